"""A report is one trace in the real Jaeger: intake's request, routing's triage and every agency the report
reached, linked parent to child across real Kafka; police's accept and dispatch are traces of their own,
found by the case id, reaching routing through Kafka too.

The six services run in this process on the Kafka transport and export over OTLP/HTTP to the Jaeger the
test command started (JAEGER_OTLP_ENDPOINT); the test reads the traces back from Jaeger's query API
(JAEGER_QUERY_URL), as someone looking at the trace UI would find them.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
import pytest

from tests.support.journeys import Journey, born_years_ago, referral_of, report_body, synthetic_resident_id
from tests.support.prometheus import SCRAPER, label_values, scrape, value
from tests.support.system import running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.kafka
Trace = dict[str, Any]


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"{name} is not set: run the suite with ./test.sh, which starts Jaeger", pytrace=False)
    return value


def school_report() -> dict:
    born = born_years_ago(9)
    return report_body(
        source="school",
        categories=["abuse"],
        injured=True,
        offender="parent",
        child={
            "name": "测试追踪男孩",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=905),
            "gender": "male",
        },
    )


class Jaeger:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def find(self, service: str, **tags: str) -> list[Trace]:
        """Traces with a span of `service` carrying all `tags` (the UI's search)."""
        answer = await self.client.get(
            "/api/traces",
            params={"service": service, "tags": json.dumps(tags), "lookback": "1h", "limit": 50},
        )
        return (answer.json()["data"] or []) if answer.status_code == 200 else []

    async def trace(self, trace_id: str) -> Trace | None:
        answer = await self.client.get(f"/api/traces/{trace_id}")
        return (answer.json()["data"] or [None])[0] if answer.status_code == 200 else None


def services_of(trace: Trace) -> set[str]:
    return {trace["processes"][span["processID"]]["serviceName"] for span in trace["spans"]}


def tag(span: dict, key: str) -> Any:
    return next((t["value"] for t in span["tags"] if t["key"] == key), None)


def parents_present(trace: Trace) -> bool:
    """Whether every parent a span names is in the trace yet."""
    ids = {span["spanID"] for span in trace["spans"]}
    parents = [r["spanID"] for s in trace["spans"] for r in s["references"] if r["refType"] == "CHILD_OF"]
    return all(parent in ids for parent in parents)


def check_links(trace: Trace) -> dict:
    """Every span but one has its parent in the trace; every consumer's parent is a producer."""
    spans = {span["spanID"]: span for span in trace["spans"]}
    parents = {}
    for span_id, span in spans.items():
        refs = [r for r in span["references"] if r["refType"] == "CHILD_OF"]
        if refs:
            assert refs[0]["spanID"] in spans, f"{span['operationName']}: parent missing from the trace"
            parents[span_id] = spans[refs[0]["spanID"]]
    roots = [s for s in spans.values() if s["spanID"] not in parents]
    assert len(roots) == 1, [r["operationName"] for r in roots]
    for span_id, span in spans.items():
        if tag(span, "span.kind") == "consumer":
            assert tag(parents[span_id], "span.kind") == "producer", span["operationName"]
    return roots[0]


async def test_report_is_one_trace_across_services_in_jaeger(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str
) -> None:
    query_url, otlp = _required("JAEGER_QUERY_URL"), _required("JAEGER_OTLP_ENDPOINT")
    async with running_system(
        fresh_database_url,
        transport="kafka",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_namespace=kafka_namespace,
        OTEL_EXPORTER_OTLP_ENDPOINT=otlp,
    ) as (system, client):
        journey = Journey(client, "kafka", system.callers)
        accepted = await journey.report(school_report())
        case_id, report_id = accepted["case_id"], accepted["report_id"]
        case = await journey.routed(case_id, referrals=10)
        await journey.inboxes_hold(case)
        police = referral_of(case, "police", "emergency_response")["referral_id"]
        await journey.accept("police", police)
        await journey.step("police", police, "dispatch", {"unit": "weicheng-patrol-7"})
        await journey.on_timeline(case_id, "police.dispatched.v1")
        # On Kafka the consumer lag comes from the fetch responses' highwater marks: all caught up.
        async with system.callers.client(SCRAPER) as scraper:
            lag = await eventually(
                lambda: scrape(scraper, "/routing/metrics"),
                until=lambda s: (
                    "intake.events" in label_values(s, "backbone_consumer_lag", "topic")
                    and value(s, "backbone_consumer_lag") == 0
                ),
                what="routing's consumer lag known and zero",
            )
        assert label_values(lag, "backbone_consumer_lag", "service") == {"routing"}
    reached = {"intake", "routing"} | {r["agency"] for r in case["referrals"]}
    assert reached >= {"police", "health", "education", "civil_affairs"}

    async with httpx.AsyncClient(base_url=query_url, timeout=10) as http:
        jaeger = Jaeger(http)
        found = await eventually(
            lambda: jaeger.find("intake", **{"report.id": report_id}),
            until=lambda traces: len(traces) >= 1,
            what="the report's trace in Jaeger",
        )
        assert len({t["traceID"] for t in found}) == 1, "one trace per report"
        trace_id = found[0]["traceID"]
        trace = await eventually(
            lambda: jaeger.trace(trace_id),
            # Jaeger stores spans as they come: a child may be found before its parent.
            until=lambda t: t is not None and services_of(t) >= reached and parents_present(t),
            what=f"spans of {sorted(reached)} in trace {trace_id}",
        )
        root = check_links(trace)
        assert (services_of({"processes": trace["processes"], "spans": [root]}), tag(root, "span.kind")) == (
            {"intake"},
            "server",
        )
        assert tag(root, "url.path") == "/intake/v1/reports" and tag(root, "case.id") == case_id

        # Police's own steps: each its own trace, found by the case id, crossing Kafka into routing.
        async def police_traces() -> list[Trace]:
            traces = await jaeger.find("police", **{"case.id": case_id})
            return [t for t in traces if t["traceID"] != trace_id]

        def dispatch_reached_routing(traces: list[Trace]) -> bool:
            return any(
                "routing" in services_of(t)
                and any(tag(s, "url.path") == f"/police/v1/referrals/{police}/dispatch" for s in t["spans"])
                for t in traces
            )

        steps = await eventually(
            police_traces, until=dispatch_reached_routing, what="police's dispatch trace"
        )
        paths = set()
        for step in steps:
            step_root = check_links(step)
            paths.add(tag(step_root, "url.path"))
        assert {f"/police/v1/referrals/{police}/accept", f"/police/v1/referrals/{police}/dispatch"} <= paths
