"""A deadline left open for twice its target reaches the joint meeting office (联席会议办公室) like a
declined referral does: in the office's escalation list, on the referral and in the case view."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backbone.system import System
from services.civil_affairs.service import definition as civil_affairs
from services.routing.service import definition as routing
from tests.integration.deadlines.conftest import deadline_settings, intake, police
from tests.support.deadline_events import report_p1_case
from tests.support.paging import items
from tests.support.system import serving
from tests.support.waiting import eventually


@pytest.fixture
async def with_office(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path: Path
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    settings = deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    system = System(settings, [routing, intake, police, civil_affairs])
    await system.start()
    async with serving(system) as client:
        yield system, client
    await system.stop()


async def test_missed_dispatch_escalation_reaches_the_office_referral_and_case(
    with_office, fake_clock
) -> None:
    system, client = with_office
    referral = await report_p1_case(system, client, case_id="case-eo", at=fake_clock.now)
    fake_clock.advance(minutes=3, seconds=1)
    await eventually(
        lambda: client.get("/routing/v1/sla", params={"case_id": "case-eo", "state": "breached"}),
        until=lambda r: any(c["clock"] == "police.first_dispatch" for c in items(r)),
        what="breach",
    )
    fake_clock.advance(minutes=3)  # open as long again

    async def office_queue() -> list[dict]:
        return items(await client.get("/civil_affairs/v1/escalations"))

    [queued] = await eventually(office_queue, until=lambda q: len(q) == 1, what="office queue")
    assert queued["cause"] == "deadline"
    assert (queued["clock"], queued["referral_id"], queued["agency"]) == (
        "police.first_dispatch",
        referral["referral_id"],
        "police",
    )
    case = (await client.get("/routing/v1/cases/case-eo")).json()
    [shown] = [r for r in case["referrals"] if r["referral_id"] == referral["referral_id"]]
    assert shown["escalated_at"] is not None and "police.first_dispatch" in shown["escalation_reason"]
    [clock] = [c for c in case["sla_clocks"] if c["clock"] == "police.first_dispatch"]
    assert clock["escalated_at"] is not None
    [listed_clock] = [
        c
        for c in items(await client.get("/routing/v1/sla", params={"case_id": "case-eo"}))
        if c["clock"] == "police.first_dispatch"
    ]
    assert listed_clock["escalated_to"] == "joint_meeting_office"
    listed = (await client.get("/routing/v1/cases")).json()["items"]
    assert [c["escalated_referrals"] for c in listed if c["case_id"] == "case-eo"] == [1]
