"""Idempotent consumers: parse the envelope, apply once (inbox in the same transaction), else dead-letter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from backbone.db import insert_ignoring_conflict
from backbone.logging import database_error_summary
from backbone.messaging.tables import inbox
from backbone.messaging.transport import IncomingMessage, OutgoingMessage, Transport
from backbone.metrics import metrics_for
from backbone.telemetry import context_from_headers, id_attributes, tracer
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


class Unparseable(ValueError):
    pass


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

    async def handle(self, message: IncomingMessage) -> None:
        """Apply one message exactly once in effect; raise only when it should be redelivered."""
        if not self._wanted(message.headers):
            return
        try:
            envelope, event = self._parse(message)
        except Unparseable as error:
            await self._dead_letter(message, f"unparseable: {error}")
            return
        if self._accepts is not None and not self._accepts(event):
            return
        handler = self._handlers.get(family_of(envelope.type))
        if handler is None and not (
            self._observes and self.service in self._catalogue.spec(envelope.type).consumers
        ):
            return
        trace_headers = {
            k: v.decode() for k, v in message.headers.items() if k in ("traceparent", "tracestate")
        }
        with self._tracer.start_as_current_span(
            f"{message.topic} process",
            context=context_from_headers(trace_headers),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": message.topic,
                "messaging.message.id": envelope.id,
                "messaging.consumer.group.name": self.service,
                "cloudevents.event_type": envelope.type,
                "backbone.service": self.service,
                **id_attributes(envelope.data),
            },
        ) as span:
            for attempt in range(1, self._max_attempts + 1):
                try:
                    await self._apply(handler, event, envelope)
                    self._metrics.applied(envelope.type)
                    return
                except TRANSIENT:
                    raise
                except DBAPIError as error:
                    if error.connection_invalidated or _sqlstate(error) in RETRYABLE_SQLSTATES:
                        raise
                    failure: Exception = error
                except Exception as error:  # a handler's own failure: retried, then dead-lettered
                    failure = error
                log.warning(
                    "handler failed",
                    exc_info=failure,
                    extra={"event_id": envelope.id, "event_type": envelope.type, "attempt": attempt},
                )
                await asyncio.sleep(0.05 * attempt)
            span.set_status(Status(StatusCode.ERROR, type(failure).__name__))
            await self._dead_letter(
                message,
                f"handler failed {self._max_attempts} times: {describe_failure(failure)}"[:1000],
            )

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

    async def _apply(self, handler: EventHandler | None, event: Event, envelope: CloudEvent) -> None:
        async with self._unit_of_work() as uow:
            claimed = await insert_ignoring_conflict(
                uow.session,
                inbox,
                {"consumer": self.service, "event_id": envelope.id, "event_type": envelope.type},
                returning="event_id",
            )
            if claimed is None:
                log.info(
                    "duplicate event ignored", extra={"event_id": envelope.id, "event_type": envelope.type}
                )
                return
            for observer in uow.observers:
                await observer(envelope, uow)
            if handler is not None:
                await handler(event, envelope, uow)
            await uow.commit()

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
