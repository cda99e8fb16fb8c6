"""Transactional outbox: events are rows written with the state change, published by a relay.

A crash between commit and publish loses nothing (the row waits); a crash between publish and
marking the row sent publishes it again, and the consumers' inbox makes that a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from opentelemetry.trace import SpanKind
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from backbone.messaging.tables import outbox
from backbone.messaging.transport import OutgoingMessage, Transport
from backbone.telemetry import context_from_headers, current_trace_headers, id_attributes, tracer
from contracts.envelope import CloudEvent

log = logging.getLogger(__name__)
# A commit in this process wakes the relay; the poll is the safety net for rows another replica left
# behind (it died between commit and relay), so idle costs a few statements a minute.
IDLE_POLL_SECONDS = 60.0
# While another replica holds the relay lock, look again soon: our rows may have missed its batch.
LOCK_BUSY_RETRY_SECONDS = 0.1
PURGE_EVERY_SECONDS = 600.0
# Woken from idle, the relay waits this long (or until a batch's worth of rows was committed) before it
# looks: the commits right behind the first then go out in the same relay transaction and publish.
COALESCE_SECONDS = 0.005


def outbox_row(envelope: CloudEvent, *, topic: str, headers: dict[str, str] | None = None) -> dict:
    """The row recording one event, with the trace context it was emitted in (default: the current one)."""
    return {
        "event_id": envelope.id,
        "topic": topic,
        "message_key": envelope.subject,
        "event_type": envelope.type,
        "headers": current_trace_headers() if headers is None else headers,
        "payload": envelope.model_dump(mode="json"),
    }


class OutboxRelay:
    """Publishes a service's unsent outbox rows in order; one replica at a time holds the lock."""

    def __init__(
        self,
        *,
        service: str,
        engine: AsyncEngine,
        transport: Transport,
        batch_size: int = 200,
        retention_seconds: float = 3600,
    ) -> None:
        self.service = service
        self._engine = engine
        self._transport = transport
        self._batch_size = batch_size
        self._wakeup = asyncio.Event()
        # rows committed since the relay last looked, as the commits told it; set when a batch's worth
        self._woken_rows = 0
        self._full = asyncio.Event()
        self._tracer = tracer(service)
        # Sent rows are deleted after this long: an event may carry a child's data to the one service
        # that owns it (police -> intake), and the outbox must not become a second copy of it.
        self._retention_seconds = retention_seconds
        self._last_purge = 0.0

    def wake(self, rows: int = 1) -> None:
        """Called after a commit that wrote outbox rows, so they go out without waiting for a poll."""
        self._woken_rows += rows
        if self._woken_rows >= self._batch_size:
            self._full.set()
        self._wakeup.set()

    async def run(self) -> None:
        """Relay forever; poll as well, for rows written by other replicas of the service."""
        look = True
        while True:
            self._wakeup.clear()
            self._woken_rows = 0
            self._full.clear()
            # An idle poll asks first whether anything waits at all: one statement, no transaction.
            relayed = await self.relay_once() if look or await self._has_unsent() else 0
            if relayed == self._batch_size:
                continue
            if time.monotonic() - self._last_purge > PURGE_EVERY_SECONDS:
                await self.purge_sent()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that arrives as
            # the event is set, and shutdown then hangs.
            look = relayed is None
            if self._wakeup.is_set():  # rows were committed while it relayed: they have waited enough
                look = True
                continue
            woken = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(LOCK_BUSY_RETRY_SECONDS if relayed is None else IDLE_POLL_SECONDS):
                    await self._wakeup.wait()
                    woken = look = True
            if woken:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(COALESCE_SECONDS):
                        await self._full.wait()

    async def _has_unsent(self) -> bool:
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            unsent = select(outbox.c.id).where(outbox.c.sent_at.is_(None)).limit(1)
            return await autocommit.scalar(unsent) is not None

    async def purge_sent(self) -> int:
        """Delete rows sent longer ago than the retention; return how many."""
        self._last_purge = time.monotonic()
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(outbox).where(
                    outbox.c.sent_at
                    < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, self._retention_seconds)
                )
            )
        return result.rowcount

    async def relay_once(self) -> int | None:
        """Publish one batch and mark it sent in the same transaction; return how many went out (None
        when another replica holds the relay lock)."""
        async with self._engine.begin() as connection:
            locked = await connection.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"), {"key": f"relay:{self.service}"}
            )
            if not locked:
                return None
            rows = (
                await connection.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.headers, outbox.c.payload)
                    .where(outbox.c.sent_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                )
            ).all()
            if not rows:
                return 0
            await self._transport.publish([self._message(row) for row in rows])
            await connection.execute(
                update(outbox).where(outbox.c.id.in_([row.id for row in rows])).values(sent_at=func.now())
            )
        return len(rows)

    def _message(self, row: object) -> OutgoingMessage:
        envelope = CloudEvent.model_validate(row.payload)
        with self._tracer.start_as_current_span(
            f"{row.topic} publish",
            context=context_from_headers(row.headers),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "publish",
                "messaging.destination.name": row.topic,
                "messaging.message.id": envelope.id,
                "cloudevents.event_type": envelope.type,
                "backbone.service": self.service,
                **id_attributes(envelope.data),
            },
        ):
            key, headers, value = envelope.to_kafka()
            headers += [(k, v.encode()) for k, v in current_trace_headers().items()]
        return OutgoingMessage(topic=row.topic, key=key, headers=headers, value=value)
