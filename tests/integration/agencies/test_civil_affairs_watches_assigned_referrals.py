"""Civil affairs keeps track of the other agencies' referrals of a case from their assignments too: the
police's emergency referral in an assignment keeps the case from being closed, as a referral.created did."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created, referrals_assigned
from tests.integration.agencies.test_case_not_closed_while_emergency_open import SAFE


async def test_an_assigned_police_emergency_keeps_the_case_open(civil_affairs: RunningAgency) -> None:
    lead = referral_created("civil_affairs", task="assessment_and_assistance")
    police = referrals_assigned(
        "police",
        ("emergency_response", "lead", True),
        ("judicial_protection", "lead", False),
        case_id=lead.case_id,
    )
    await civil_affairs.feed(police, police)  # delivered twice, recorded once
    await civil_affairs.accepted(lead)
    await civil_affairs.step(f"referrals/{lead.referral_id}/assessment", SAFE)

    refused = await civil_affairs.post(f"referrals/{lead.referral_id}/close-case", {"outcome": "supported"})
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "an emergency referral of the case is still open; closing needs a supervisor",
    )
    assert [r["referral_id"] for r in await civil_affairs.inbox()] == [lead.referral_id]
    assert (
        await civil_affairs.scalar(
            "SELECT count(*) FROM civil_affairs_case_referrals WHERE case_id = :c", c=lead.case_id
        )
        == 2
    )
    assert (
        await civil_affairs.scalar(
            "SELECT count(*) FROM civil_affairs_emergencies WHERE case_id = :c", c=lead.case_id
        )
        == 1
    )
