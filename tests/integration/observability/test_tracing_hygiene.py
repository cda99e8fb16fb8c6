"""Traces are operations people asked for, findable by their ids, each span saying whose it is.

All six services in one process: while idle, the outbox relays, the embedded log's readers and the
deadline timer query the database many times a second and make no trace at all; a report then makes
one trace, found by its report id and case id, in which every span's resource names its service, and
no span carries the child's or reporter's personal data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import event

from backbone.telemetry import add_span_processor, remove_span_processor
from contracts.catalogue import SERVICES
from tests.support.journeys import Journey, born_years_ago, report_body, synthetic_resident_id
from tests.support.system import running_system
from tests.support.waiting import eventually

CHILD_NAME, REPORTER_NAME, REPORTER_PHONE = "测试追踪", "追踪报告人", "0536-5550177"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    add_span_processor(processor)
    yield exporter
    remove_span_processor(processor)


def report() -> dict:
    born = born_years_ago(10)
    return report_body(
        source="hospital",
        categories=["abuse"],
        injured=True,
        reporter_name=REPORTER_NAME,
        reporter_phone=REPORTER_PHONE,
        child={
            "name": CHILD_NAME,
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=903),
            "gender": "male",
        },
    )


def service_of(span: ReadableSpan) -> str:
    return span.resource.attributes["service.name"]


async def test_idle_loops_make_no_traces_and_a_report_is_one_findable_trace(
    fresh_database_url: str, spans: InMemorySpanExporter
) -> None:
    async with running_system(fresh_database_url) as (system, client):
        queries = {"count": 0}

        def count(*_: object) -> None:
            queries["count"] += 1

        for runtime in system.runtimes.values():
            event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)

        async def idle_queries() -> int:
            return queries["count"]

        # Every loop's first look (relays, deadline timer, delivery worker, embedded log readers); idle,
        # they then wait for a notification instead of polling.
        await eventually(idle_queries, until=lambda n: n >= 8, what="the background loops looked")
        assert spans.get_finished_spans() == (), [s.name for s in spans.get_finished_spans()]

        journey = Journey(client, "embedded", system.callers)
        accepted = await journey.report(report())
        await journey.routed(accepted["case_id"], referrals=2)

        def with_id(key: str, value: str) -> list[ReadableSpan]:
            return [s for s in spans.get_finished_spans() if s.attributes.get(key) == value]

        by_report = with_id("report.id", accepted["report_id"])
        server = [s for s in by_report if s.kind == SpanKind.SERVER]
        where = [(service_of(s), s.attributes["url.path"]) for s in server]
        assert where == [("intake", "/intake/v1/reports")]
        trace_id = server[0].context.trace_id

        async def case_spans() -> list[ReadableSpan]:
            return with_id("case.id", accepted["case_id"])

        found = await eventually(
            case_spans,
            until=lambda found: {"intake", "routing", "police", "health"} <= {service_of(s) for s in found},
            what="spans of every service the report reached carry its case id",
        )
        assert {s.context.trace_id for s in found} == {trace_id}, "the report is one trace"

    in_trace = [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]
    assert {service_of(s) for s in in_trace} <= set(SERVICES)
    by_id = {s.context.span_id: s for s in in_trace}
    for span in in_trace:
        if span.kind == SpanKind.CLIENT:  # a query belongs to the service whose operation made it
            assert service_of(span) == service_of(by_id[span.parent.span_id]), span.name
        if span.kind == SpanKind.CONSUMER:
            assert span.attributes["backbone.service"] == service_of(span)
    for span in spans.get_finished_spans():
        values = " ".join(str(v) for v in span.attributes.values())
        for personal in (CHILD_NAME, REPORTER_NAME, REPORTER_PHONE):
            assert personal not in values, f"{span.name} carries personal data"
