"""First-moment dispatch (第一时间出警): an emergency referral is dispatched from pending, accepted at once.

A non-emergency referral must be accepted first.
"""

from tests.integration.agencies.agency_support import RunningAgency, referral_created, stamp


async def test_p1_referral_is_accepted_implicitly_by_the_dispatch(police: RunningAgency) -> None:
    referral = referral_created("police", task="emergency_response", priority="P1", emergency=True)
    await police.receive(referral)
    rid = referral.referral_id

    response = await police.step(
        f"referrals/{rid}/dispatch", {"unit": "patrol-1", "officer": "duty-officer-3"}
    )

    assert response["stage"] == "dispatched"
    shown = await police.referral(rid)
    assert (shown["status"], shown["accepted_by"]) == ("accepted", "duty-officer-3")
    assert shown["accepted_at"] == response["dispatched_at"]
    assert await police.emitted_types() == ["referral.accepted.v1", "police.dispatched.v1"]
    [accepted] = await police.outbox("referral.accepted.v1")
    assert accepted["data"]["priority"] == "P1"
    assert stamp(accepted, "referral.acceptance")["action"] == "stop"
    [dispatched] = await police.outbox("police.dispatched.v1")
    first_dispatch = stamp(dispatched, "police.first_dispatch")
    assert (first_dispatch["action"], first_dispatch["subject_id"]) == ("stop", rid)
    assert stamp(dispatched, "police.arrival")["action"] == "start"


async def test_non_emergency_referral_must_be_accepted_before_dispatch(police: RunningAgency) -> None:
    referral = referral_created("police", task="judicial_protection", priority="P3", emergency=False)
    await police.receive(referral)

    refused = await police.post(f"referrals/{referral.referral_id}/dispatch", {"unit": "patrol-1"})

    assert (refused.status_code, refused.json()["detail"]) == (409, "accept the referral first")
    assert (await police.referral(referral.referral_id))["status"] == "pending"
    assert await police.emitted_types() == []
