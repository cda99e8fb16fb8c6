"""A P1 report whose dispatch never comes: 3 minutes later the first-dispatch breach is visible over REST.

Time is the fake clock's: nothing waits three real minutes. The breach shows in the SLA list filtered
to the police's breached clocks, on the case's timeline, once, and in routing's Prometheus metrics.
"""

from tests.support.journeys import Journey, referral_of, report_body
from tests.support.prometheus import SCRAPER, scrape, value
from tests.support.waiting import eventually

BREACH = {"agency": "police", "clock": "police.first_dispatch"}


def violence_in_progress() -> dict:
    return report_body(
        source="public",
        categories=["abuse"],
        immediate_danger=True,
        offender="parent",
        occurred_minutes_ago=5,
        description="A neighbour hears a child screaming and being hit next door, right now.",
        child={"name": None, "age": 6, "gender": "unknown"},
    )


async def test_deadline_breach_visible_end_to_end(fake_clock, journey: Journey) -> None:
    accepted = await journey.report(violence_in_progress())
    case_id = accepted["case_id"]
    case = await journey.routed(case_id, referrals=7)
    assert case["priority"] == "P1"
    police = referral_of(case, "police", "emergency_response")
    await journey.inboxes_hold(case)

    async def first_dispatch(**filters: str) -> list[dict]:
        return [
            c
            for c in await journey.clocks(agency="police", **filters)
            if c["clock"] == "police.first_dispatch"
        ]

    [clock] = await first_dispatch()
    assert (clock["state"], clock["subject_id"], clock["case_id"]) == (
        "running",
        police["referral_id"],
        case_id,
    )
    assert await journey.clocks(state="breached") == []
    async with journey.callers.client(SCRAPER) as scraper:
        before = value(await scrape(scraper, "/routing/metrics"), "sla_breaches_total", **BREACH)

    fake_clock.advance(minutes=3, seconds=1)  # no unit dispatched

    [breached] = await eventually(
        lambda: first_dispatch(state="breached"), until=lambda c: len(c) == 1, what="first dispatch breached"
    )
    assert (breached["id"], breached["subject_id"], breached["priority"]) == (
        clock["id"],
        police["referral_id"],
        "P1",
    )
    assert breached["late_by_seconds"] >= 1
    # Only that clock: the hour to accept the other referrals has not run out.
    assert [c["clock"] for c in await journey.clocks(state="breached")] == ["police.first_dispatch"]

    case = await journey.on_timeline(case_id, "sla.breached.v1")
    [entry] = [t for t in case["timeline"] if t["type"] == "sla.breached.v1"]
    assert "police.first_dispatch" in entry["summary"]
    warnings = [t["summary"] for t in case["timeline"] if t["type"] == "sla.warning.v1"]
    assert len(warnings) == 2 and all("police.first_dispatch" in w for w in warnings)
    assert [c["state"] for c in case["sla_clocks"] if c["clock"] == "police.first_dispatch"] == ["breached"]
    # The referral is still waiting in the police inbox: the breach is attributable, nothing else moved.
    waiting = await journey.get(f"/police/v1/referrals/{police['referral_id']}")
    assert waiting["status"] == "pending"
    async with journey.callers.client(SCRAPER) as scraper:
        metrics = await scrape(scraper, "/routing/metrics")
    assert value(metrics, "sla_breaches_total", **BREACH) == before + 1
    assert value(metrics, "sla_clocks", state="breached", **BREACH) == 1
