"""Smoke tests of the real local infrastructure (deploy/local/up.sh).

They run against the already-running Kafka broker and PostgreSQL server given by
KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, and fail (never skip) when those are missing.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from urllib.parse import urlsplit

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from backbone.settings import Settings

pytestmark = pytest.mark.kafka

TIMEOUT_S = 60


def _require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.fail(
            f"{name} is not set. Start the real infrastructure with deploy/local/up.sh and export "
            "the variables it prints (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL).",
            pytrace=False,
        )
    return value


def _asyncpg_dsn(database_url: str) -> str:
    """Turn a SQLAlchemy URL (postgresql+asyncpg://...) into a DSN asyncpg accepts."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or not scheme.startswith(("postgresql", "postgres")):
        pytest.fail(f"DATABASE_URL is not a PostgreSQL URL: {database_url!r}", pytrace=False)
    return f"postgresql://{rest}"


async def test_kafka_idempotent_produce_is_consumed_back() -> None:
    bootstrap = _require_env("KAFKA_BOOTSTRAP_SERVERS")
    run_id = uuid.uuid4().hex
    topic = f"local-infra-smoke-{run_id}"
    key = b"smoke-key"
    value = f"smoke-{run_id}".encode()

    security = Settings().kafka_security_options()  # SASL, as the test command exports it
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", **security)
    await asyncio.wait_for(producer.start(), TIMEOUT_S)
    try:
        # The topic does not exist yet: the broker auto-creates it on first metadata request.
        sent = await asyncio.wait_for(
            producer.send_and_wait(topic, value=value, key=key, headers=[("run-id", run_id.encode())]),
            TIMEOUT_S,
        )
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        **security,
        group_id=f"local-infra-smoke-{run_id}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await asyncio.wait_for(consumer.start(), TIMEOUT_S)
    try:
        received = None
        deadline = time.monotonic() + TIMEOUT_S
        while received is None and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    if record.value == value:
                        received = record
        assert received is not None, f"message produced to {topic} was not consumed within {TIMEOUT_S}s"
        assert received.key == key
        assert (received.partition, received.offset) == (sent.partition, sent.offset)
        assert dict(received.headers)["run-id"] == run_id.encode()
        await consumer.commit()
    finally:
        await consumer.stop()


async def test_postgres_answers_select_version() -> None:
    dsn = _asyncpg_dsn(_require_env("DATABASE_URL"))
    conn = await asyncpg.connect(dsn, timeout=TIMEOUT_S)
    try:
        version = await conn.fetchval("SELECT version()")
    finally:
        await conn.close()
    assert isinstance(version, str)
    assert "PostgreSQL" in version, version


async def test_postgres_refuses_tcp_connections_without_the_password() -> None:
    dsn = _asyncpg_dsn(_require_env("DATABASE_URL"))
    parts = urlsplit(dsn)
    assert parts.password, "DATABASE_URL carries no password: the server lets anyone in over TCP"
    netloc = f"{parts.username}@{parts.hostname}:{parts.port}"
    for wrong in (netloc, f"{parts.username}:not-the-password@{parts.hostname}:{parts.port}"):
        with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.InterfaceError)):
            await asyncpg.connect(parts._replace(netloc=wrong).geturl(), timeout=TIMEOUT_S)
    conn = await asyncpg.connect(dsn, timeout=TIMEOUT_S)
    try:
        # The socket next to the data is the owner's only.
        assert await conn.fetchval("SHOW unix_socket_permissions") == "0700"
        assert await conn.fetchval("SHOW password_encryption") == "scram-sha-256"
        methods = await conn.fetch("SELECT type, auth_method FROM pg_hba_file_rules WHERE error IS NULL")
    finally:
        await conn.close()
    assert {(m["type"], m["auth_method"]) for m in methods if m["type"] == "host"} == {
        ("host", "scram-sha-256")
    }
    assert "trust" not in {m["auth_method"] for m in methods}
