"""One interface, two transports: Kafka (aiokafka) and embedded (PostgreSQL-backed, in-process)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: bytes
    headers: list[tuple[str, bytes]]
    value: bytes


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, bytes] = field(default_factory=dict)


# Applies a batch (one partition's or topic's messages, in offset order) and returns the offset of the
# first message not applied, or None when all were: the transport commits the offset up to there and
# delivers the rest again later. Raising means none of the batch is known to be applied.
BatchHandler = Callable[[Sequence[IncomingMessage]], Awaitable[int | None]]


class Transport(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ensure_topics(self, topics: Sequence[str]) -> None: ...

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Return only once every message is durably stored by the broker."""
        ...

    async def ping(self) -> None:
        """Raise unless the broker answers."""
        ...

    async def consume(self, *, group: str, topics: Sequence[str], handle: BatchHandler) -> None:
        """Deliver batches to `handle` forever; commit an offset only once `handle` applied up to it."""
        ...

    async def consumer_lag(self, *, group: str, topics: Sequence[str]) -> dict[str, int]:
        """Per topic, how many messages the group has yet to apply (as far as this process knows)."""
        ...


def create_transport(
    kind: str,
    *,
    kafka_bootstrap_servers: str | None,
    kafka_security: Mapping[str, str] | None = None,
    database_url: str,
    partitions: int = 3,
    replication_factor: int = 1,
    namespace: str = "",
    retention_seconds: float = 86400,
) -> Transport:
    """Build the configured transport."""
    if kind == "kafka":
        from backbone.messaging.kafka import KafkaTransport

        if not kafka_bootstrap_servers:
            raise ValueError("BACKBONE_TRANSPORT=kafka needs KAFKA_BOOTSTRAP_SERVERS")
        return KafkaTransport(
            kafka_bootstrap_servers,
            security=kafka_security,
            partitions=partitions,
            replication_factor=replication_factor,
            namespace=namespace,
        )
    from backbone.messaging.embedded import EmbeddedTransport

    return EmbeddedTransport(database_url, retention_seconds=retention_seconds)
