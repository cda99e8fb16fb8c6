"""Declining a pending referral records the listed reason code and the free text and tells routing (v2),
which re-routes or escalates it."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created


async def test_pending_referral_is_declined_with_a_reason(civil_affairs: RunningAgency) -> None:
    referral = referral_created("civil_affairs", task="rescue_and_protection", priority="P2")
    await civil_affairs.receive(referral)
    rid = referral.referral_id

    body = {"reason_code": "outside_jurisdiction", "reason": "child lives in another city"}
    declined = await civil_affairs.step(f"referrals/{rid}/decline", body)

    assert (declined["status"], declined["decline_reason_code"], declined["decline_reason"]) == (
        "declined",
        "outside_jurisdiction",
        "child lives in another city",
    )
    [event] = await civil_affairs.outbox("referral.declined.v2")
    assert event["subject"] == referral.case_id
    assert event["data"] | {"declined_at": None} == {
        "referral_id": rid,
        "case_id": referral.case_id,
        "agency": "civil_affairs",
        "task": "rescue_and_protection",
        "role": "lead",
        "priority": "P2",
        "reason": "child lives in another city",
        "reason_code": "outside_jurisdiction",
        "declined_at": None,
    }

    # A declined referral is finished here: nothing more can be recorded on it.
    for action, again in (("accept", None), ("decline", body), ("complete", {"outcome": "x"})):
        refused = await civil_affairs.post(f"referrals/{rid}/{action}", again)
        assert refused.status_code == 409, action
        assert "already declined" in refused.json()["detail"]
    assert await civil_affairs.referral(rid) == declined
    assert await civil_affairs.emitted_types() == ["referral.declined.v2"]
