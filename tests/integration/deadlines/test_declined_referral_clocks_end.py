"""A declined referral owes no more: its acceptance clock stops at the decline (the agency answered) and
its first-moment clock is cancelled, so neither breaches against the agency that declined."""

from contracts.events.agencies import ReferralDeclined
from tests.support.deadline_events import emit, report_p1_case
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_declined_referral_clocks_end_and_never_breach(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    referral = await report_p1_case(system, client, case_id="case-dc", at=fake_clock.now)
    fake_clock.advance(minutes=1)
    declined = ReferralDeclined(
        referral_id=referral["referral_id"],
        case_id="case-dc",
        agency="police",
        task=referral["task"],
        role=referral["role"],
        reason="not ours",
        declined_at=fake_clock.now,
    )
    await emit(system, "police", declined, case_id="case-dc")

    async def police_clocks() -> dict[str, dict]:
        params = {"case_id": "case-dc", "agency": "police"}
        found = items(await client.get("/routing/v1/sla", params=params))
        return {c["clock"]: c for c in found if c["subject_id"] == referral["referral_id"]}

    clocks = await eventually(
        police_clocks,
        until=lambda c: (
            c.get("referral.acceptance", {}).get("state") == "met"
            and c.get("police.first_dispatch", {}).get("state") == "cancelled"
        ),
        what="the declined referral's clocks ended",
    )
    assert clocks["referral.acceptance"]["stopped_at"] == clocks["police.first_dispatch"]["stopped_at"]

    fake_clock.advance(hours=3)  # far past both targets and their escalations
    rerouted = await eventually(
        lambda: client.get("/routing/v1/sla", params={"case_id": "case-dc", "state": "breached"}),
        until=lambda r: any(c["agency"] == "civil_affairs" for c in items(r)),
        what="the re-routed referral's own clock breaching (the timer ran)",
    )
    assert all(c["subject_id"] != referral["referral_id"] for c in items(rerouted))
    after = await police_clocks()
    assert {c["alerts_fired"] == [] for c in after.values()} == {True}
    assert (after["referral.acceptance"]["state"], after["police.first_dispatch"]["state"]) == (
        "met",
        "cancelled",
    )
