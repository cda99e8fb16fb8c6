"""One request is one trace: the HTTP span, the sender's publish and the receiver's processing share a
trace id, across real Kafka; each span's resource names the service it is from. Spans are per operation
and per message: no statement spans unless TRACE_DB_STATEMENTS asks for them."""

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from backbone.system import System
from backbone.telemetry import add_span_processor, configure_tracing
from tests.support.pingpong_queries import received_rows
from tests.support.system import serving
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    configure_tracing(service_name="tests", otlp_endpoint=None)
    exporter = InMemorySpanExporter()
    add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.mark.parametrize("pingpong_system", ["kafka"], indirect=True)
async def test_request_trace_contains_spans_from_both_services(
    pingpong_system: System, spans: InMemorySpanExporter
) -> None:
    async with serving(pingpong_system) as client:
        response = await client.post("/sender/v1/notes", json={"text": "traced"})
    note_id = response.json()["note_id"]
    await eventually(
        lambda: received_rows(pingpong_system, note_id), until=lambda n: n == 1, what="note applied"
    )

    server_span = next(
        s
        for s in spans.get_finished_spans()
        if s.kind == SpanKind.SERVER and s.attributes.get("url.path") == "/sender/v1/notes"
    )
    assert server_span.name == "POST /v1/notes"  # the route within the service, which the resource names
    trace_id = server_span.context.trace_id

    async def spans_of_trace() -> list:
        return [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]

    in_trace = await eventually(
        spans_of_trace,
        until=lambda found: any(s.kind == SpanKind.CONSUMER for s in found),
        what="consumer span in the request's trace",
    )
    assert [s.name for s in in_trace if s.kind == SpanKind.SERVER] == ["POST /v1/notes"]
    publish = next(s for s in in_trace if s.kind == SpanKind.PRODUCER)
    process = next(s for s in in_trace if s.kind == SpanKind.CONSUMER)
    assert publish.attributes["backbone.service"] == "sender"
    assert process.attributes["backbone.service"] == "receiver"
    assert process.parent.span_id == publish.context.span_id
    assert not [s.name for s in in_trace if s.kind == SpanKind.CLIENT], "no span per statement"
    service_of = {s.context.span_id: s.resource.attributes["service.name"] for s in in_trace}
    assert service_of[server_span.context.span_id] == service_of[publish.context.span_id] == "sender"
    assert service_of[process.context.span_id] == "receiver"
