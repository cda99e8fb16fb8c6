"""Declining a pending referral records the reason and tells routing, which re-routes or escalates it."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_pending_referral_is_declined_with_a_reason(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="rescue_and_protection", priority="P2")
    await civil_affairs.receive(referral)
    rid = referral.referral_id

    declined = await civil_affairs.step(f"referrals/{rid}/decline", {"reason": "child lives in another city"})

    assert (declined["status"], declined["decline_reason"]) == ("declined", "child lives in another city")
    [event] = await civil_affairs.outbox("referral.declined.v1")
    assert event["subject"] == referral.case_id
    assert event["data"] | {"declined_at": None} == {
        "referral_id": rid,
        "case_id": referral.case_id,
        "agency": "civil_affairs",
        "task": "rescue_and_protection",
        "role": "lead",
        "priority": "P2",
        "reason": "child lives in another city",
        "declined_at": None,
    }

    # A declined referral is finished here: nothing more can be recorded on it.
    for action, body in (("accept", None), ("decline", {"reason": "again"}), ("complete", {"outcome": "x"})):
        refused = await civil_affairs.post(f"referrals/{rid}/{action}", body)
        assert refused.status_code == 409, action
        assert "already declined" in refused.json()["detail"]
    assert await civil_affairs.referral(rid) == declined
    assert await civil_affairs.emitted_types() == ["referral.declined.v1"]
