"""Prometheus metrics: each service's `/{service}/metrics` and the process's `/metrics` move when a report
comes in and is routed: reports received, referrals by agency and state, clocks by state, HTTP latency,
events applied; outbox backlog and consumer lag are there for every service."""

from __future__ import annotations

import httpx

from backbone.system import System
from contracts.catalogue import SERVICES
from tests.support.journeys import Journey, born_years_ago, report_body, synthetic_resident_id
from tests.support.prometheus import SCRAPER, Samples, label_values, scrape, value
from tests.support.waiting import eventually


def injured_child_report() -> dict:
    born = born_years_ago(8)
    return report_body(
        source="school",
        categories=["abuse"],
        injured=True,
        immediate_danger=True,
        child={
            "name": "测试女孩",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=902),
            "gender": "female",
        },
    )


async def test_counters_and_gauges_move_after_a_report(running: tuple[System, httpx.AsyncClient]) -> None:
    system, owners = running
    async with system.callers.client(SCRAPER) as client:
        await _counters_and_gauges_move(Journey(owners, "embedded", system.callers), client)


async def test_metrics_need_a_token_with_the_metrics_scope(running: tuple[System, httpx.AsyncClient]) -> None:
    system, owners = running
    async with httpx.AsyncClient(transport=system.callers.transport, base_url="http://backbone") as anonymous:
        for path in ("/metrics", "/routing/metrics"):
            assert (await anonymous.get(path)).status_code == 401, path
    # The routing owner's token has no metrics.read: refused.
    assert (await owners.get("/routing/metrics")).status_code == 403


async def _counters_and_gauges_move(journey: Journey, client: httpx.AsyncClient) -> None:
    before = {service: await scrape(client, f"/{service}/metrics") for service in SERVICES}
    accepted = await journey.report(injured_child_report())
    case = await journey.routed(accepted["case_id"], referrals=3)
    police_referrals = [r for r in case["referrals"] if r["agency"] == "police"]
    await journey.in_inbox("police", police_referrals[0]["referral_id"])

    intake = await scrape(client, "/intake/metrics")
    assert value(intake, "intake_reports_received_total", source="school") == (
        value(before["intake"], "intake_reports_received_total", source="school") + 1
    )
    route = {"service": "intake", "method": "POST", "route": "/v1/reports", "status": "202"}
    assert value(intake, "http_server_request_duration_seconds_count", **route) == (
        value(before["intake"], "http_server_request_duration_seconds_count", **route) + 1
    )
    assert value(intake, "backbone_events_committed_total", type="report.received.v1") >= 1
    routes = label_values(intake, "http_server_request_duration_seconds_count", "route")
    # Other tests share this process's registry, so requests refused before routing ("unmatched") may be
    # counted; a scrape never is.
    assert not any(route.endswith("/metrics") for route in routes), "scrapes are no operation: not timed"

    async def routing_metrics() -> Samples:
        return await scrape(client, "/routing/metrics")

    routing = await eventually(
        routing_metrics,
        until=lambda s: (
            value(s, "routing_referrals", agency="police", state="pending") >= len(police_referrals)
        ),
        what="routing's referral gauge counts the police referrals",
    )
    assert value(routing, "routing_referrals") == len(case["referrals"])
    assert value(routing, "routing_cases", status="open", priority=case["priority"]) == 1
    assert value(routing, "sla_clocks", agency="police", clock="police.first_dispatch", state="running") == 1
    assert value(routing, "backbone_events_applied_total", service="routing", type="report.received.v1") >= 1

    police = await scrape(client, "/police/metrics")
    assert value(police, "agency_referrals", state="pending") == len(police_referrals)
    for service in SERVICES:
        samples = await scrape(client, f"/{service}/metrics")
        assert ("backbone_outbox_backlog", frozenset({("service", service)})) in samples, service
        assert value(samples, "backbone_outbox_backlog") >= 0
        assert label_values(samples, "backbone_consumer_lag", "topic"), service
        assert all(dict(ls).get("service", service) == service for _, ls in samples), service

    everything = await scrape(client, "/metrics")
    received = "intake_reports_received_total"
    assert value(everything, received) == value(intake, received)
    assert label_values(everything, "backbone_outbox_backlog", "service") == set(SERVICES)
    assert label_values(everything, "backbone_consumer_lag", "service") == set(SERVICES)
    assert value(everything, "process_cpu_seconds_total") > 0
