"""Who may use which topic: Kafka ACLs derived from the catalogue, one principal per service.

A service (principal `User:<service>`, authenticated with SASL/SCRAM) may create, write and describe
its own topics (`<service>.events`, `<service>.dlq`), create, read and describe the topics carrying
what the catalogue says it consumes, and read as its consumer group; nothing else. With a namespace,
every name carries its prefix (`KAFKA_NAMESPACE`).

    python -m backbone.messaging.kafka_access [--namespace NS]   # grant, with the admin's settings

run by deploy/local/kafka.sh (and services.sh for its namespace) and by the compose `kafka-access` job.
ACLs are idempotent: granting twice changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest

from contracts.catalogue import Catalogue, dead_letter_topic, load_catalogue, topic_of

log = logging.getLogger(__name__)
# Kafka protocol codes (org.apache.kafka.common.acl / resource).
TOPIC, GROUP = 2, 3
LITERAL = 3
READ, WRITE, CREATE, DESCRIBE = 3, 4, 5, 8
ALLOW = 3


@dataclass(frozen=True)
class Grant:
    principal: str
    resource_type: int
    resource_name: str
    operation: int


def principal(service: str) -> str:
    """The Kafka principal a service authenticates as (its SCRAM user is named after it)."""
    return f"User:{service}"


def grants(catalogue: Catalogue, services: Iterable[str], *, namespace: str = "") -> list[Grant]:
    """Every ACL the services need, and no more."""
    wanted: set[Grant] = set()
    for service in services:
        who = principal(service)
        for topic in (topic_of(service), dead_letter_topic(service)):
            for operation in (CREATE, WRITE, DESCRIBE):
                wanted.add(Grant(who, TOPIC, namespace + topic, operation))
        for spec in catalogue.consumed_by(service):
            for topic in spec.topics:
                for operation in (CREATE, READ, DESCRIBE):
                    wanted.add(Grant(who, TOPIC, namespace + topic, operation))
        wanted.add(Grant(who, GROUP, namespace + service, READ))
    return sorted(wanted, key=lambda g: (g.principal, g.resource_type, g.resource_name, g.operation))


async def apply_grants(client_options: Mapping[str, str], wanted: list[Grant]) -> None:
    """Create the ACLs with an administrator's connection; raise if the broker refuses any."""
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        # aiokafka's admin client has no create_acls; its protocol layer has the request.
        client = admin._client
        node = client.get_random_node()
        failures = []
        for grant in wanted:
            request = CreateAclsRequest(
                grant.resource_type,
                grant.resource_name,
                LITERAL,
                grant.principal,
                "*",
                grant.operation,
                ALLOW,
            )
            response = await client.send(node, request)
            for error_code, message in response.creation_responses:
                if error_code:
                    failures.append(f"{grant}: error {error_code} {message or ''}")
        if failures:
            raise RuntimeError(f"the broker refused ACLs: {failures}")
    finally:
        await admin.close()


def main() -> None:
    from backbone.settings import get_settings
    from contracts.catalogue import SERVICES

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--namespace", default=None, help="topic prefix (default: KAFKA_NAMESPACE)")
    args = parser.parse_args()
    settings = get_settings()
    namespace = settings.kafka_namespace if args.namespace is None else args.namespace
    if not settings.kafka_bootstrap_servers:
        raise SystemExit("KAFKA_BOOTSTRAP_SERVERS is not set")
    options = {"bootstrap_servers": settings.kafka_bootstrap_servers, **settings.kafka_security_options()}
    wanted = grants(load_catalogue(), SERVICES, namespace=namespace)
    asyncio.run(apply_grants(options, wanted))
    print(f"kafka_access: {len(wanted)} ACLs for {len(SERVICES)} services, namespace {namespace!r}")


if __name__ == "__main__":
    main()
