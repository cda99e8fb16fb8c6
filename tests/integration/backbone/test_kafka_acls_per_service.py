"""On the real broker (SASL/SCRAM + ACLs): a service's credentials work on its own topics and on what
the catalogue says it consumes, and are refused on another service's topic."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

from backbone.messaging.kafka import KafkaTransport
from backbone.messaging.kafka_access import apply_grants, grants
from backbone.settings import Settings
from contracts.catalogue import SERVICES, dead_letter_topic, load_catalogue, topic_of

pytestmark = pytest.mark.kafka


def _service_credentials(service: str, bootstrap: str) -> dict[str, str]:
    settings = Settings()
    directory = os.environ.get("KAFKA_CREDENTIALS_DIR")
    if settings.kafka_security_protocol == "PLAINTEXT" or not directory:
        pytest.fail(
            "the broker of the test command must run SASL/SCRAM with ACLs (deploy/local/kafka.sh, via "
            "./test.sh, exports KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_CREDENTIALS_DIR)",
            pytrace=False,
        )
    return {
        "bootstrap_servers": bootstrap,
        "security_protocol": settings.kafka_security_protocol,
        "sasl_mechanism": settings.kafka_sasl_mechanism,
        "sasl_plain_username": service,
        "sasl_plain_password": (Path(directory) / service).read_text().strip(),
    }


@pytest.fixture
async def granted(kafka_bootstrap_servers: str, kafka_namespace: str) -> AsyncIterator[str]:
    """The services' ACLs in a fresh namespace, its topics created by the admin; the namespace."""
    admin = {"bootstrap_servers": kafka_bootstrap_servers, **Settings().kafka_security_options()}
    await apply_grants(admin, grants(load_catalogue(), SERVICES, namespace=kafka_namespace))
    transport = KafkaTransport(kafka_bootstrap_servers, security=Settings().kafka_security_options())
    await transport.ensure_topics([topic_of(s) for s in SERVICES] + [dead_letter_topic(s) for s in SERVICES])
    yield kafka_namespace


async def test_a_service_writes_only_its_own_topics(kafka_bootstrap_servers: str, granted: str) -> None:
    producer = AIOKafkaProducer(
        **_service_credentials("police", kafka_bootstrap_servers), enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        # Its own topics: accepted.
        for topic in (topic_of("police"), dead_letter_topic("police")):
            delivered = await producer.send_and_wait(granted + topic, b"{}", key=b"case-1")
            assert delivered.offset >= 0
        # Routing's topic, and intake's: refused.
        for other in ("routing", "intake"):
            with pytest.raises(TopicAuthorizationFailedError):
                await producer.send_and_wait(granted + topic_of(other), b"forged", key=b"case-1")
    finally:
        await producer.stop()


async def test_a_service_reads_only_what_the_catalogue_says_it_consumes(
    kafka_bootstrap_servers: str, granted: str
) -> None:
    catalogue = load_catalogue()
    consumed = {t for spec in catalogue.consumed_by("police") for t in spec.topics}
    unread = sorted(topic_of(s) for s in SERVICES if s != "police" and topic_of(s) not in consumed)
    assert topic_of("routing") in consumed and unread, "police must read routing's topic and not all others"
    credentials = _service_credentials("police", kafka_bootstrap_servers)

    reader = AIOKafkaConsumer(
        granted + topic_of("routing"),
        **credentials,
        group_id=granted + "police",
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        await reader.getmany(timeout_ms=1000)  # joins its group and fetches: allowed
    finally:
        await reader.stop()

    # A topic carrying nothing police consumes is refused, and so is another service's group.
    for topics, group, refused in (
        ([granted + unread[0]], granted + "police", TopicAuthorizationFailedError),
        ([granted + topic_of("routing")], granted + "routing", GroupAuthorizationFailedError),
    ):
        snoop = AIOKafkaConsumer(*topics, **credentials, group_id=group, auto_offset_reset="earliest")
        try:
            with pytest.raises(refused):
                await snoop.start()
                for _ in range(20):
                    await snoop.getmany(timeout_ms=500)
        finally:
            await snoop.stop()
