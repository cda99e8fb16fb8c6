"""Sampling is configurable and parent-based, so a report is traced whole or not at all: with
`OTEL_TRACES_SAMPLER=parentbased_traceidratio` and a ratio of 0, a report whose caller sent a sampled
`traceparent` is one trace across intake, routing and the agencies, under the caller's trace id, while
a report without one leaves no span anywhere (and is routed all the same)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from backbone.telemetry import add_span_processor, configure_tracing, remove_span_processor
from tests.support.journeys import Journey, born_years_ago, report_body, synthetic_resident_id
from tests.support.system import running_system
from tests.support.waiting import eventually

CALLERS_TRACE = 0x5A3B1E0000000000000000000000C0DE
SAMPLED_PARENT = f"00-{CALLERS_TRACE:032x}-{0xFEED:016x}-01"
REACHED = {"intake", "routing", "police", "health"}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    add_span_processor(processor)
    yield exporter
    remove_span_processor(processor)
    configure_tracing(otlp_endpoint=None, ratio=1.0)  # the process's default again for later tests


def report(sequence: int) -> dict:
    born = born_years_ago(10)
    return report_body(
        source="hospital",
        categories=["abuse"],
        injured=True,
        child={
            "name": f"测试采样{'甲乙'[sequence % 2]}",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=911 + 2 * sequence),
            "gender": "male",
        },
    )


async def test_a_sampled_report_is_one_whole_trace_and_an_unsampled_one_leaves_none(
    fresh_database_url: str, spans: InMemorySpanExporter
) -> None:
    async with running_system(
        fresh_database_url, OTEL_TRACES_SAMPLER="parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG=0
    ) as (system, client):
        journey = Journey(client, "embedded", system.callers)
        async with system.callers.client("hospital-system") as hospital:
            traced = await hospital.post(
                "/intake/v1/reports", json=report(0), headers={"traceparent": SAMPLED_PARENT}
            )
            untraced = await hospital.post("/intake/v1/reports", json=report(1))
        assert (traced.status_code, untraced.status_code) == (202, 202), (traced.text, untraced.text)
        traced_case, untraced_case = traced.json()["case_id"], untraced.json()["case_id"]
        await journey.routed(untraced_case, referrals=2)
        await journey.routed(traced_case, referrals=2)

        def of_case(case_id: str) -> list[ReadableSpan]:
            return [s for s in spans.get_finished_spans() if s.attributes.get("case.id") == case_id]

        async def traced_spans() -> list[ReadableSpan]:
            return of_case(traced_case)

        found = await eventually(
            traced_spans,
            until=lambda found: REACHED <= {s.resource.attributes["service.name"] for s in found},
            what="the sampled report's spans in every service it reached",
        )
        assert {s.context.trace_id for s in found} == {CALLERS_TRACE}, "one trace, the caller's"
        assert of_case(untraced_case) == [], "an unsampled report leaves no span"
