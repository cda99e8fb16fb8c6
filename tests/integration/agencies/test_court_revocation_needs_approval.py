"""An application to the court to revoke guardianship (监护干预) is decided only by a supervisor's approval:
recorded directly it is refused; approved, the intervention is decided in the same transaction."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created

HARMFUL = {"safety": "in_danger", "guardianship": "harmful", "needs": []}


async def test_court_application_through_approval(civil_affairs: RunningAgency) -> None:
    lead = referral_created("civil_affairs", task="rescue_and_protection", priority="P1")
    await civil_affairs.accepted(lead)
    rid = lead.referral_id
    early = await civil_affairs.post(
        f"referrals/{rid}/approvals", {"kind": "court_revocation_application", "reason": "r"}
    )
    assert early.status_code == 409 and "assessment first" in early.json()["detail"]
    await civil_affairs.step(f"referrals/{rid}/assessment", HARMFUL)

    direct = await civil_affairs.post(
        f"referrals/{rid}/intervention", {"decision": "court_revocation_application"}
    )
    assert direct.status_code == 409 and "needs a supervisor's approval" in direct.json()["detail"]
    ask = {"kind": "court_revocation_application", "reason": "the father keeps beating the child"}
    requested = await civil_affairs.step(f"referrals/{rid}/approvals", ask)
    async with civil_affairs.system.callers.client("supervisor") as supervisor:
        approved = await supervisor.post(f"/civil_affairs/v1/approvals/{requested['approval_id']}/approve")
    assert approved.status_code == 200, approved.text

    case_file = (await civil_affairs.client.get(f"/civil_affairs/v1/referrals/{rid}/case-file")).json()
    assert case_file["intervention"] == "court_revocation_application"
    [decided] = await civil_affairs.outbox("civil_affairs.intervention_decided.v1")
    assert decided["data"]["intervention"] == "court_revocation_application"
    [verdict] = await civil_affairs.outbox("civil_affairs.approval_decided.v1")
    assert (verdict["data"]["approved"], verdict["data"]["kind"]) == (True, "court_revocation_application")
