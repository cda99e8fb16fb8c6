"""A span per SQL statement only when TRACE_DB_STATEMENTS asks for it (debugging): by default a report's
request is one server span with no statement spans under it; with the setting, its statements are
client spans of intake under that request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from backbone.telemetry import add_span_processor, remove_span_processor
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.system import running_system
from tests.support.waiting import eventually


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    add_span_processor(processor)
    yield exporter
    remove_span_processor(processor)


async def statement_spans_of_a_report(
    database_url: str, spans: InMemorySpanExporter, **settings: object
) -> list[ReadableSpan]:
    """The client spans under the server span of one report's POST."""
    async with running_system(database_url, ["intake"], **settings) as (system, client):
        intake = Intake(system, client)
        report_id = (await intake.accepted(build_report()))["report_id"]
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
    finished = spans.get_finished_spans()
    server = next(
        s for s in finished if s.kind == SpanKind.SERVER and s.attributes.get("report.id") == report_id
    )
    under = [s for s in finished if s.parent is not None and s.parent.span_id == server.context.span_id]
    return [s for s in under if s.kind == SpanKind.CLIENT]


async def test_no_statement_spans_by_default(fresh_database_url: str, spans: InMemorySpanExporter) -> None:
    assert await statement_spans_of_a_report(fresh_database_url, spans) == []


async def test_statement_spans_when_asked(fresh_database_url: str, spans: InMemorySpanExporter) -> None:
    statements = await statement_spans_of_a_report(fresh_database_url, spans, TRACE_DB_STATEMENTS=True)
    assert any("INSERT" in s.name for s in statements), [s.name for s in statements]
    assert {s.resource.attributes["service.name"] for s in statements} == {"intake"}
