"""Civil affairs, leading rescue and protection for a child hit at home (P2), wants to close the case while
the police's and the school's referrals are still open: refused alone; requested, rejected once, requested
again and approved by the city's supervisor, the case closes once, with every decision on the case
timeline and the audit trail, and no deadline left running."""

from collections import Counter

from tests.e2e.test_referral_withdrawn_held_and_noted import EXPECTED_REFERRALS, hit_at_home
from tests.support.journeys import Journey, referral_keys, referral_of, timeline_types

SAFE = {"safety": "safe", "guardianship": "adequate", "needs": []}


async def test_closing_approved_by_a_supervisor(journey: Journey) -> None:
    case_id = (await journey.report(hit_at_home()))["case_id"]
    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    await journey.inboxes_hold(case)
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
    await journey.accept("civil_affairs", rescue)
    await journey.step("civil_affairs", rescue, "assessment", SAFE)

    alone = await journey.client.post(
        f"/civil_affairs/v1/referrals/{rescue}/close-case", json={"outcome": "safe"}
    )
    assert alone.status_code == 409 and "approval" in alone.json()["detail"]
    ask = {
        "kind": "close_case",
        "reason": "the family moved in with the grandparents",
        "outcome": "child safe",
    }
    first = await journey.step("civil_affairs", rescue, "approvals", ask, expect=201)
    async with journey.callers.client("supervisor") as supervisor:
        rejected = await supervisor.post(
            f"/civil_affairs/v1/approvals/{first['approval_id']}/reject",
            json={"note": "hear the police first"},
        )
        assert rejected.status_code == 200, rejected.text
        second = await journey.step("civil_affairs", rescue, "approvals", ask, expect=201)
        approved = await supervisor.post(f"/civil_affairs/v1/approvals/{second['approval_id']}/approve")
        assert approved.status_code == 200, approved.text
        again = await supervisor.post(f"/civil_affairs/v1/approvals/{second['approval_id']}/approve")
        assert again.status_code == 409
        trail = (await supervisor.get("/civil_affairs/v1/audit")).json()

    case = await journey.case_when(case_id, lambda c: c["status"] == "closed", "case closed")
    case = await journey.on_timeline(case_id, "civil_affairs.approval_decided.v1", count=2)
    counted = Counter(
        t for t in timeline_types(case) if t.startswith(("civil_affairs.approval", "civil_affairs.case"))
    )
    assert counted == Counter(
        {
            "civil_affairs.approval_requested.v1": 2,
            "civil_affairs.approval_decided.v1": 2,
            "civil_affairs.case_closed.v1": 1,
        }
    )
    assert referral_keys(case) == EXPECTED_REFERRALS
    assert referral_of(case, "civil_affairs", "rescue_and_protection")["status"] == "completed"
    assert [
        (c["clock"], c["subject_id"]) for c in await journey.clocks(case_id=case_id, state="running")
    ] == []
    actions = [r["action"] for r in reversed(trail["items"])]
    assert [a for a in actions if a in ("request approval", "reject", "approve")] == [
        "request approval",
        "reject",
        "request approval",
        "approve",
    ]
