"""Illegal transitions answer 409 with a clear message and change nothing, not even the outbox."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_out_of_order_inbox_steps_are_refused(police: RunningAgency) -> None:
    referral = referral_created("police", task="missing_child")
    await police.receive(referral)
    rid = referral.referral_id

    early = await police.post(f"referrals/{rid}/complete", {"outcome": "found"})
    assert early.status_code == 409
    assert early.json()["detail"].startswith("accept the referral first")
    assert (await police.referral(rid))["status"] == "pending"

    accepted = await police.step(f"referrals/{rid}/accept", {"officer": "o-1"})
    again = await police.post(f"referrals/{rid}/accept", {"officer": "o-2"})
    assert (again.status_code, again.json()["detail"]) == (409, "the referral is already accepted")
    refusal = {"reason_code": "other", "reason": "changed my mind"}
    declined = await police.post(f"referrals/{rid}/decline", refusal)
    assert declined.status_code == 409
    assert "complete it instead" in declined.json()["detail"]

    assert await police.referral(rid) == accepted
    assert await police.emitted_types() == ["referral.accepted.v1"]

    await police.step(f"referrals/{rid}/complete", {"outcome": "child found with relatives"})
    late = await police.post(f"referrals/{rid}/complete", {"outcome": "twice"})
    assert (late.status_code, late.json()["detail"]) == (
        409,
        "the referral is already completed: it cannot be completed",
    )
