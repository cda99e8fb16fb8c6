"""Treat first (首诊负责制，先救治后结算): a child in an emergency is admitted from pending.

Any other health step on a pending referral waits for 受理.
"""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_emergency_admission_accepts_the_referral(health: RunningAgency) -> None:
    referral = referral_created("health", task="medical_protection", priority="P1", emergency=True)
    await health.receive(referral)

    await health.step(f"referrals/{referral.referral_id}/admission", {"hospital": "City Children's Hospital"})

    assert (await health.referral(referral.referral_id))["status"] == "accepted"
    assert await health.emitted_types() == ["referral.accepted.v1", "health.admitted.v1"]


async def test_steps_on_a_pending_non_emergency_referral_are_refused(health: RunningAgency) -> None:
    referral = referral_created("health", task="psychological_care", priority="P3")
    await health.receive(referral)
    rid = referral.referral_id

    for path, body in (
        ("admission", {"hospital": "Clinic 3"}),
        ("mental-health-assessment", {"risk": "low", "follow_up_needed": False}),
    ):
        refused = await health.post(f"referrals/{rid}/{path}", body)
        assert (refused.status_code, refused.json()["detail"]) == (409, "accept the referral first"), path
    assert (await health.referral(rid))["status"] == "pending"
    assert await health.emitted_types() == []
