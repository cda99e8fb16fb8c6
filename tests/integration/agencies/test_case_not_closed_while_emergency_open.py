"""A case is not closed while the police's emergency referral is open, unless a supervisor approves."""

from backbone.clock import utcnow
from contracts.events.agencies import ReferralCompleted
from contracts.events.police import PoliceResolved
from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.waiting import eventually

SAFE = {"safety": "safe", "guardianship": "adequate", "needs": []}


async def _assessed_lead_with_police_emergency(civil_affairs: RunningAgency) -> tuple[str, str]:
    lead = referral_created("civil_affairs", task="assessment_and_assistance")
    emergency = referral_created(
        "police", task="emergency_response", priority="P1", emergency=True, case_id=lead.case_id
    )
    await civil_affairs.feed(emergency)
    await civil_affairs.accepted(lead)
    await civil_affairs.step(f"referrals/{lead.referral_id}/assessment", SAFE)
    return lead.referral_id, emergency.referral_id


async def test_the_lead_cannot_close_while_the_emergency_is_open(civil_affairs: RunningAgency) -> None:
    lead_id, emergency_id = await _assessed_lead_with_police_emergency(civil_affairs)

    refused = await civil_affairs.post(f"referrals/{lead_id}/close-case", {"outcome": "family supported"})
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "an emergency referral of the case is still open; closing needs a supervisor",
    )
    assert "civil_affairs.case_closed.v1" not in await civil_affairs.emitted_types()

    case_id = (await civil_affairs.referral(lead_id))["case_id"]
    resolved = PoliceResolved(
        referral_id=emergency_id,
        case_id=case_id,
        outcome="child_safe_where_found",
        injury_found=False,
        resolved_at=utcnow(),
    )
    completed = ReferralCompleted(
        referral_id=emergency_id,
        case_id=case_id,
        agency="police",
        task="emergency_response",
        role="lead",
        outcome="found safe",
        completed_at=utcnow(),
    )
    await civil_affairs.feed(resolved, completed, publisher="police")
    closed = await eventually(
        lambda: civil_affairs.post(f"referrals/{lead_id}/close-case", {"outcome": "family supported"}),
        until=lambda answer: answer.status_code == 200,
        what="closing once the police resolved the emergency and completed their referral",
    )
    assert closed.json()["closed_at"] is not None


async def test_a_supervisor_approves_closing_despite_the_open_emergency(civil_affairs: RunningAgency) -> None:
    lead_id, _ = await _assessed_lead_with_police_emergency(civil_affairs)
    async with civil_affairs.system.callers.client("supervisor") as supervisor:
        approved = await supervisor.post(
            f"/civil_affairs/v1/referrals/{lead_id}/close-case", json={"outcome": "court took over"}
        )
    assert approved.status_code == 200, approved.text
    assert "civil_affairs.case_closed.v1" in await civil_affairs.emitted_types()
