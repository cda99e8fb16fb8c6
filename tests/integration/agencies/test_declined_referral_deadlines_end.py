"""An agency that declines a referral no longer sees its deadlines as owed: the acceptance clock stops at
the decline and the first-moment clock (dispatch) is cancelled."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_declining_ends_the_agencys_deadlines(police: RunningAgency) -> None:
    referral = referral_created("police", task="emergency_response", priority="P1", emergency=True)
    await police.feed(referral)

    async def deadlines() -> dict[str, str]:
        rows = items(await police.client.get("/police/v1/sla"))
        return {r["clock"]: r["state"] for r in rows if r["subject_id"] == referral.referral_id}

    await eventually(deadlines, until=lambda d: len(d) == 2, what="both deadlines running")
    refusal = {"reason_code": "outside_mandate", "reason": "not ours"}
    await police.step(f"referrals/{referral.referral_id}/decline", refusal)

    assert await deadlines() == {"referral.acceptance": "met", "police.first_dispatch": "cancelled"}
