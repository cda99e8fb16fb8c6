"""The spans of one batch transaction of a consumer.

Each message gets its `{topic} process` consumer span, a child of the span that published it, so a
report stays one trace across services; its observers' and handler's queries are its children. A
transaction of more than one message also gets a `{topic} process batch` span, linked to every message's
span, under which the inbox claim and the commit run (for a single message they run in its own span).
The message spans end once the transaction's outcome is known: a rolled-back one says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

from backbone.messaging.transport import IncomingMessage
from backbone.telemetry import TRACE_HEADERS, context_from_headers, id_attributes
from contracts.envelope import CloudEvent


class ConsumerSpans:
    def __init__(
        self, tracer: trace.Tracer, service: str, deliveries: Sequence[tuple[IncomingMessage, CloudEvent]]
    ) -> None:
        common = {"messaging.system": "kafka", "messaging.consumer.group.name": service}
        self._messages = [
            tracer.start_span(
                f"{message.topic} process",
                context=context_from_headers(
                    {k: v.decode() for k, v in message.headers.items() if k in TRACE_HEADERS}
                ),
                kind=SpanKind.CONSUMER,
                attributes={
                    **common,
                    "messaging.operation.type": "process",
                    "messaging.destination.name": message.topic,
                    "messaging.message.id": envelope.id,
                    "cloudevents.event_type": envelope.type,
                    "backbone.service": service,
                    **id_attributes(envelope.data),
                },
            )
            for message, envelope in deliveries
        ]
        self._batch: Span | None = None
        if len(deliveries) > 1:
            topic = deliveries[0][0].topic
            self._batch = tracer.start_span(
                f"{topic} process batch",
                context=Context(),
                kind=SpanKind.INTERNAL,
                links=[Link(span.get_span_context()) for span in self._messages],
                attributes={
                    **common,
                    "messaging.operation.type": "process",
                    "messaging.destination.name": topic,
                    "messaging.batch.message_count": len(deliveries),
                    "backbone.service": service,
                },
            )

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """The transaction's own work (claim, commit) runs in this span."""
        with _current(self._batch or self._messages[0]):
            yield

    @contextlib.contextmanager
    def message(self, index: int) -> Iterator[None]:
        """One message's observers and handler run in its span."""
        with _current(self._messages[index]):
            yield

    def end(self, *, failed: int | None = None, error: Exception | None = None) -> None:
        """End every span; after a rollback, the message at fault (if known) is marked an error."""
        for index, span in enumerate(self._messages):
            if error is not None:
                if index == failed or len(self._messages) == 1:
                    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                else:
                    span.add_event("rolled back", {"reason": type(error).__name__})
            span.end()
        if self._batch is not None:
            if error is not None:
                self._batch.set_status(Status(StatusCode.ERROR, type(error).__name__))
            self._batch.end()


def _current(span: Span) -> contextlib.AbstractContextManager:
    # Exceptions are not recorded as they are: their text may quote data (ConsumerSpans.end says why).
    return trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False)
