"""Idempotent consumers: parse, apply a poll's batch once (inbox in its transaction), else dead-letter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from backbone.logging import database_error_summary
from backbone.messaging.batching import BatchFailed, apply_batch, apply_splitting
from backbone.messaging.consumer_spans import ConsumerSpans
from backbone.messaging.inbox import claim
from backbone.messaging.transport import IncomingMessage, OutgoingMessage, Transport
from backbone.metrics import metrics_for
from backbone.telemetry import tracer
from backbone.uow import UnitOfWork
from contracts.catalogue import Catalogue, UnknownEventType, dead_letter_topic, family_of
from contracts.envelope import CloudEvent, Event, header_text

log = logging.getLogger(__name__)
EventHandler = Callable[[Event, CloudEvent, UnitOfWork], Awaitable[None]]
# Failures of the infrastructure, not of the message: never dead-letter for these, retry instead.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, OSError, TimeoutError)


# Serialization failures and deadlocks between concurrently applied events: retry, never dead-letter.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig.__cause__, "sqlstate", None)


def describe_failure(error: Exception) -> str:
    """The dead-letter reason: a database error by class and SQLSTATE only (its text may quote data)."""
    return database_error_summary(error) or f"{type(error).__name__}: {error}"


def is_transient(error: Exception) -> bool:
    """Whether the failure is the infrastructure's (retry the delivery), not the message's."""
    if isinstance(error, TRANSIENT):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or _sqlstate(error) in RETRYABLE_SQLSTATES
    )


class Unparseable(ValueError):
    pass


@dataclass(frozen=True)
class Delivery:
    """A message the service handles or observes, parsed."""

    message: IncomingMessage
    envelope: CloudEvent
    event: Event
    handler: EventHandler | None

    @property
    def topic(self) -> str:
        return self.message.topic

    @property
    def partition(self) -> int:
        return self.message.partition

    @property
    def key(self) -> bytes | None:
        return self.message.key

    @property
    def offset(self) -> int:
        return self.message.offset


def first_claims(deliveries: Sequence[Delivery], claimed: set[str]) -> list[tuple[int, Delivery]]:
    """The deliveries (with their index) this transaction claimed, each event once: the rest were
    applied before (a redelivery) or come twice in the batch."""
    fresh: list[tuple[int, Delivery]] = []
    for index, delivery in enumerate(deliveries):
        envelope = delivery.envelope
        if envelope.id not in claimed:
            log.info("duplicate event ignored", extra={"event_id": envelope.id, "event_type": envelope.type})
            continue
        claimed.discard(envelope.id)
        fresh.append((index, delivery))
    return fresh


def observed_runs(fresh: list[tuple[int, Delivery]]) -> list[list[tuple[int, Delivery]]]:
    """The batch's messages in order, as runs applied together: a message with a handler alone (it may
    depend on what the ones before it did), consecutive ones only observed as one set."""
    runs: list[list[tuple[int, Delivery]]] = []
    for item in fresh:
        if item[1].handler is None and runs and runs[-1][-1][1].handler is None:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        catalogue: Catalogue,
        handlers: Mapping[str, EventHandler],
        unit_of_work: Callable[[], UnitOfWork],
        transport: Transport,
        max_attempts: int = 3,
        concurrency: int = 4,
        batch_max: int = 100,
        accepts: Callable[[Event], bool] | None = None,
        accepts_headers: Callable[[str, str | None], bool] | None = None,
        observes: bool = False,
    ) -> None:
        self._accepts = accepts
        self._accepts_headers = accepts_headers
        self.service = service
        self._catalogue = catalogue
        self._handlers = dict(handlers)
        self._unit_of_work = unit_of_work
        self._transport = transport
        self._max_attempts = max_attempts
        self._concurrency = concurrency
        self._batch_max = batch_max
        self._observes = observes
        self._tracer = tracer(service)
        self._metrics = metrics_for(service)

    @property
    def topics(self) -> list[str]:
        """The topics carrying what this service handles, or observes as a catalogued consumer."""
        wanted = [
            spec
            for spec in self._catalogue.specs()
            if spec.family in self._handlers or (self._observes and self.service in spec.consumers)
        ]
        return sorted({topic for spec in wanted for topic in spec.topics})

    async def run(self) -> None:
        """Consume forever as the service's consumer group."""
        await self._transport.consume(group=self.service, topics=self.topics, handle=self.handle)

    async def handle(self, messages: Sequence[IncomingMessage]) -> int | None:
        """Apply a poll's messages exactly once in effect; return the offset of the first not applied.

        Nothing is asked of the database for what the service does not handle; unparseable messages
        are dead-lettered alone; the rest go through `apply_batch` (backbone/messaging/batching.py).
        """
        wanted: list[Delivery] = []
        failed_at: list[int] = []
        for message in messages:
            if not self._wanted(message.headers):
                continue
            try:
                delivery = self._delivery(message)
            except Unparseable as error:
                try:
                    await self._dead_letter(message, f"unparseable: {error}")
                except Exception:
                    log.exception("dead letter not sent; will retry", extra={"offset": message.offset})
                    failed_at.append(message.offset)
                continue
            if delivery is not None:
                wanted.append(delivery)
        applied_up_to = await apply_batch(
            wanted, self._apply_transactions, concurrency=self._concurrency, batch_max=self._batch_max
        )
        if applied_up_to is not None:
            failed_at.append(applied_up_to)
        return min(failed_at) if failed_at else None

    def _delivery(self, message: IncomingMessage) -> Delivery | None:
        """The parsed message, or None when the service neither handles nor observes it."""
        envelope, event = self._parse(message)
        if self._accepts is not None and not self._accepts(event):
            return None
        handler = self._handlers.get(family_of(envelope.type))
        if handler is None and not (
            self._observes and self.service in self._catalogue.spec(envelope.type).consumers
        ):
            return None
        return Delivery(message=message, envelope=envelope, event=event, handler=handler)

    async def _apply_transactions(self, deliveries: list[Delivery]) -> None:
        await apply_splitting(deliveries, self._attempt, self._apply_alone)

    async def _apply_alone(self, delivery: Delivery) -> None:
        """One message: retried, then dead-lettered with the reason when its handler keeps failing."""
        envelope = delivery.envelope
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._attempt([delivery])
                return
            except BatchFailed as failed:
                failure = failed.error
            log.warning(
                "handler failed",
                exc_info=failure,
                extra={"event_id": envelope.id, "event_type": envelope.type, "attempt": attempt},
            )
            await asyncio.sleep(0.05 * attempt)
        await self._dead_letter(
            delivery.message,
            f"handler failed {self._max_attempts} times: {describe_failure(failure)}"[:1000],
        )

    async def _attempt(self, deliveries: list[Delivery]) -> None:
        """Apply the deliveries in one transaction: claim them all in the inbox, then observers and
        handler of each claimed one in order (those only observed, as sets), one commit. BatchFailed
        (rolled back, at the first message of the run that failed) when a handler or observer failed;
        transient failures are raised as they are, for the transport to deliver again."""
        spans = ConsumerSpans(self._tracer, self.service, [(d.message, d.envelope) for d in deliveries])
        applied: list[Delivery] = []
        current: int | None = None
        try:
            with spans.batch():
                async with self._unit_of_work() as uow:
                    claimed = await claim(
                        uow.session, consumer=self.service, envelopes=[d.envelope for d in deliveries]
                    )
                    fresh = first_claims(deliveries, claimed)
                    for run in observed_runs(fresh):
                        current = run[0][0]
                        # A run's observers work in its first message's span.
                        with spans.message(current):
                            await self._apply_run([delivery for _, delivery in run], uow)
                        applied.extend(delivery for _, delivery in run)
                    current = None
                    await uow.commit()
        except Exception as error:
            spans.end(failed=current, error=error)
            if is_transient(error):
                raise
            raise BatchFailed(error, current) from error
        except BaseException:  # cancelled (shutdown): rolled back, delivered again later
            spans.end()
            raise
        spans.end()
        for delivery in applied:
            self._metrics.applied(delivery.envelope.type)

    async def _apply_run(self, run: list[Delivery], uow: UnitOfWork) -> None:
        """Observers, then the handler (a run with a handler is that one message), then what it emitted."""
        envelopes = [delivery.envelope for delivery in run]
        for observer in uow.observers:
            await observer(envelopes, uow)
        for delivery in run:
            if delivery.handler is not None:
                await delivery.handler(delivery.event, delivery.envelope, uow)
        await uow.observe_emitted()
        # As if each event had its own session: its writes flushed (a failure is its own), nothing
        # of it cached for the next handler's `session.get`.
        await uow.session.flush()
        uow.session.expunge_all()

    def _wanted(self, headers: Mapping[str, bytes]) -> bool:
        """Whether to read a message at all, from its `ce_type` and `ce_agency` headers alone.

        Only a catalogued type is dropped here: anything else is parsed, and dead-lettered if it fails.
        """
        event_type = header_text(headers, "type")
        try:
            spec = self._catalogue.spec(event_type) if event_type else None
        except UnknownEventType:
            spec = None
        if spec is None:
            return True
        if spec.family not in self._handlers and not (self._observes and self.service in spec.consumers):
            return False
        keep = self._accepts_headers
        return keep is None or keep(spec.type, header_text(headers, "agency"))

    def _parse(self, message: IncomingMessage) -> tuple[CloudEvent, Event]:
        try:
            envelope = CloudEvent.from_kafka(message.headers, message.value)
            return envelope, self._catalogue.parse(envelope.type, envelope.data)
        except UnknownEventType as error:
            raise Unparseable(f"unknown event type {error}") from error
        except ValidationError as error:
            # Never echo the input: it may hold a child's personal data.
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise Unparseable(problems[:1000]) from error
        except ValueError as error:  # malformed JSON or headers
            raise Unparseable(type(error).__name__ + ": " + str(error)[:200]) from error

    async def _dead_letter(self, message: IncomingMessage, reason: str) -> None:
        self._metrics.dead_lettered.labels(self.service).inc()
        log.error(
            "message dead-lettered",
            extra={
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "reason": reason,
            },
        )
        headers = [(k, v) for k, v in message.headers.items()] + [
            ("dlq_reason", reason.encode()),
            ("dlq_consumer", self.service.encode()),
            ("dlq_source_topic", message.topic.encode()),
            ("dlq_source_partition", str(message.partition).encode()),
            ("dlq_source_offset", str(message.offset).encode()),
        ]
        await self._transport.publish(
            [
                OutgoingMessage(
                    topic=dead_letter_topic(self.service),
                    key=message.key or b"",
                    headers=headers,
                    value=message.value,
                )
            ]
        )
