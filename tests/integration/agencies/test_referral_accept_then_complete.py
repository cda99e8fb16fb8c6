"""受理 then completion: pending -> accepted -> completed, each step an event naming task, role, priority."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created, stamp


async def test_accepted_referral_is_completed_with_its_outcome(health: RunningAgency) -> None:
    referral = referral_created("health", task="psychological_care", priority="P3", role="responsible")
    await health.receive(referral)
    rid = referral.referral_id

    accepted = await health.step(f"referrals/{rid}/accept")  # no body: the officer is optional
    assert accepted["status"] == "accepted" and accepted["accepted_by"] is None
    assert [r["referral_id"] for r in await health.inbox("accepted")] == [rid]
    assert await health.inbox("pending") == []

    completed = await health.step(f"referrals/{rid}/complete", {"outcome": "  counselling finished  "})
    assert (completed["status"], completed["outcome"]) == ("completed", "counselling finished")
    assert completed["completed_at"] >= completed["accepted_at"]

    [accepted_event] = await health.outbox("referral.accepted.v1")
    [completed_event] = await health.outbox("referral.completed.v1")
    for envelope in (accepted_event, completed_event):
        assert envelope["subject"] == referral.case_id
        assert envelope["source"] == "/health"
        data = envelope["data"]
        assert (data["referral_id"], data["agency"], data["task"], data["role"], data["priority"]) == (
            rid,
            "health",
            "psychological_care",
            "responsible",
            "P3",
        )
    assert completed_event["data"]["outcome"] == "counselling finished"
    acceptance = stamp(accepted_event, "referral.acceptance")
    assert (acceptance["action"], acceptance["agency"], acceptance["subject_id"]) == ("stop", "health", rid)
