"""Each referral's status follows its agency: accepted, then completed; a stale report changes nothing."""

from contracts.events.agencies import ReferralCompleted
from tests.integration.routing.routing_support import NOW, Routing, accepted, new_id, referral_of, report


async def test_referral_accepted_then_completed(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["dropout"]))
    education = referral_of(case, "education", "education_support")

    case = await routing.applied(accepted(education), publisher="education")
    after_accept = referral_of(case, "education", "education_support")
    assert after_accept["status"] == "accepted"
    assert after_accept["accepted_at"] is not None

    completed = ReferralCompleted(
        referral_id=education["referral_id"],
        case_id=case_id,
        agency="education",
        task="education_support",
        role="lead",
        outcome="back in class",
        completed_at=NOW,
    )
    case = await routing.applied(completed, publisher="education")
    assert referral_of(case, "education", "education_support")["status"] == "completed"

    case = await routing.applied(accepted(education), publisher="education")  # late, out of turn
    assert referral_of(case, "education", "education_support")["status"] == "completed"
    assert referral_of(case, "civil_affairs", "education_support", "responsible")["status"] == "pending"
    # accepted_at is NOW, days ago: education.follow_up is overdue at once and the deadline timer's
    # sla.* lines may land anywhere among these; the agency events keep their order.
    assert [e["type"] for e in case["timeline"] if not e["type"].startswith("sla.")][-3:] == [
        "referral.accepted.v1",
        "referral.completed.v1",
        "referral.accepted.v1",
    ]
