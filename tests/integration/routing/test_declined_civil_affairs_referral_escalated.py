"""When civil affairs declines, or a re-routed referral is declined again, the joint meeting office has it."""

from tests.integration.routing.routing_support import Routing, declined, new_id, referral_of, report, types


async def test_civil_affairs_declining_its_lead_referral_is_escalated(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")

    case = await routing.applied(declined(rescue), publisher="civil_affairs")

    escalated = referral_of(case, "civil_affairs", "rescue_and_protection")
    assert escalated["status"] == "declined"
    assert escalated["escalated_at"] is not None
    assert escalated["escalation_reason"] == "civil_affairs, the overall lead, declined"
    assert len(case["referrals"]) == len({r["referral_id"] for r in case["referrals"]})
    assert {r["reason"] for r in case["referrals"]} == {"triage"}
    assert types(case)[-1] == "referral.escalated.v1"

    published = await routing.emitted(
        lambda events: any(e.type == "referral.escalated.v1" and e.subject == case_id for e in events),
        "referral.escalated published",
    )
    [event] = [e.data for e in published if e.type == "referral.escalated.v1"]
    assert (event["referral_id"], event["to"]) == (rescue["referral_id"], "joint_meeting_office")


async def test_rerouted_referral_declined_again_is_escalated(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    case = await routing.applied(
        declined(referral_of(case, "police", "judicial_protection")), publisher="police"
    )
    rerouted = referral_of(case, "civil_affairs", "judicial_protection")

    case = await routing.applied(declined(rerouted), publisher="civil_affairs")

    again = referral_of(case, "civil_affairs", "judicial_protection")
    assert again["status"] == "declined"
    assert again["escalation_reason"] == "a re-routed referral was declined again"
    assert [r["reason"] for r in case["referrals"]].count("rerouted") == 1
    assert types(case)[-1] == "referral.escalated.v1"
