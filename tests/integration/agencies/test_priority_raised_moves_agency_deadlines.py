"""A priority raise brings the agency's own deadlines forward, as routing's clocks are regraded; it never
pushes one back."""

from datetime import datetime, timedelta

from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.integration.agencies.test_priority_raised_updates_referrals import raised
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_raise_recomputes_the_agencys_due_times(police: RunningAgency, fake_clock) -> None:
    referral = referral_created("police", task="emergency_response", priority="P2", emergency=True)
    await police.feed(referral)

    async def due_times() -> dict[str, datetime]:
        rows = items(await police.client.get("/police/v1/sla"))
        mine = [r for r in rows if r["case_id"] == referral.case_id]
        return {r["clock"]: datetime.fromisoformat(r["due_at"]) for r in mine}

    before = await eventually(due_times, until=lambda d: len(d) == 2, what="deadlines running")
    assert before["police.first_dispatch"] == referral.created_at + timedelta(minutes=15)

    fake_clock.advance(minutes=1)
    await police.feed(raised(referral.case_id, "P2", "P1"))
    after = await eventually(due_times, until=lambda d: d != before, what="deadlines regraded", within=10)

    assert after == {
        "police.first_dispatch": referral.created_at + timedelta(minutes=3),
        "referral.acceptance": referral.created_at + timedelta(hours=1),
    }
    await police.feed(raised(referral.case_id, "P3", "P2"))  # late and lower: changes nothing
    await police.feed(referral_created("police"))
    await eventually(lambda: police.inbox(), until=lambda rows: len(rows) == 2, what="later event applied")
    assert await due_times() == after
