"""Closing a case while another agency's referral is still open goes through a supervisor of the case's
district: the lead requests, a supervisor rejects or approves (approving closes the case), and each step
is on the audit trail."""

from tests.integration.agencies.agency_support import RunningAgency, error_fields, referral_created

SAFE = {"safety": "safe", "guardianship": "adequate", "needs": []}


async def test_request_reject_then_approve(civil_affairs: RunningAgency) -> None:
    lead = referral_created("civil_affairs", task="rescue_and_protection")
    school = referral_created(
        "education", task="rescue_and_protection", role="responsible", case_id=lead.case_id
    )
    await civil_affairs.feed(school)
    await civil_affairs.accepted(lead)
    rid = lead.referral_id
    await civil_affairs.step(f"referrals/{rid}/assessment", SAFE)

    refused = await civil_affairs.post(f"referrals/{rid}/close-case", {"outcome": "family supported"})
    assert refused.status_code == 409 and "closing needs a supervisor's approval" in refused.json()["detail"]
    assert error_fields(
        await civil_affairs.post(f"referrals/{rid}/approvals", {"kind": "close_case", "reason": "r"})
    ) == ["outcome"]
    ask = {
        "kind": "close_case",
        "reason": "the school's part waits on a transfer",
        "outcome": "family supported",
    }
    requested = await civil_affairs.step(f"referrals/{rid}/approvals", ask)
    assert (requested["status"], requested["requested_by"], requested["district"]) == (
        "requested",
        "civil-affairs-cases",
        "370702",
    )
    twice = await civil_affairs.post(f"referrals/{rid}/approvals", ask)
    assert twice.status_code == 409

    decide = f"/civil_affairs/v1/approvals/{requested['approval_id']}"
    assert (await civil_affairs.client.post(f"{decide}/approve")).status_code == 403  # not a supervisor
    async with civil_affairs.system.callers.client("supervisor-370703") as elsewhere:
        assert (await elsewhere.post(f"{decide}/approve")).status_code == 403  # another district's
    async with civil_affairs.system.callers.client("supervisor") as supervisor:
        rejected = await supervisor.post(f"{decide}/reject", json={"note": "finish the school's part first"})
        assert rejected.status_code == 200, rejected.text
        assert (await supervisor.post(f"{decide}/approve")).status_code == 409
        pending = (await supervisor.get("/civil_affairs/v1/approvals", params={"status": "requested"})).json()
        assert pending["total"] == 0
    assert (rejected.json()["status"], rejected.json()["decided_by"]) == (
        "rejected",
        "civil_affairs.supervisor",
    )
    assert "civil_affairs.case_closed.v1" not in await civil_affairs.emitted_types()

    again = await civil_affairs.step(f"referrals/{rid}/approvals", ask)
    async with civil_affairs.system.callers.client("joint-office") as office:
        approved = await office.post(
            f"/civil_affairs/v1/approvals/{again['approval_id']}/approve", json={"note": "agreed"}
        )
        assert approved.status_code == 200, approved.text
        trail = (await office.get("/civil_affairs/v1/audit")).json()
    assert (approved.json()["status"], approved.json()["decided_by"]) == (
        "approved",
        "joint_meeting_office.supervisor",
    )
    assert (await civil_affairs.referral(rid))["status"] == "completed"
    types = await civil_affairs.emitted_types()
    assert [t for t in types if t.startswith(("civil_affairs.approval", "civil_affairs.case_closed"))] == [
        "civil_affairs.approval_requested.v1",
        "civil_affairs.approval_decided.v1",
        "civil_affairs.approval_requested.v1",
        "civil_affairs.case_closed.v1",
        "civil_affairs.approval_decided.v1",
    ]
    decisions = {"request approval", "reject", "approve"}
    assert [(r["action"], r["agency"]) for r in reversed(trail["items"]) if r["action"] in decisions] == [
        ("request approval", "civil_affairs"),
        ("reject", "civil_affairs"),
        ("request approval", "civil_affairs"),
        ("approve", "joint_meeting_office"),
    ]
