"""A mental-health assessment finding high risk with follow-up needed refers the child on for
psychological care (精神关爱, 转诊 002 §4(12)), as the routing rules say; a lower risk refers nobody."""

from contracts.events.health import MentalHealthAssessed
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report


def assessed(referral: dict, *, risk: str, follow_up_needed: bool) -> MentalHealthAssessed:
    return MentalHealthAssessed(
        referral_id=referral["referral_id"],
        case_id=referral["case_id"],
        risk=risk,
        follow_up_needed=follow_up_needed,
        assessed_at=NOW,
    )


async def test_high_risk_with_follow_up_refers_psychological_care(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["injury"], injured=True))
    health = referral_of(case, "health", "medical_protection")
    assert not [r for r in case["referrals"] if r["task"] == "psychological_care"]

    case = await routing.applied(assessed(health, risk="high", follow_up_needed=True), publisher="health")

    care = [r for r in case["referrals"] if r["task"] == "psychological_care"]
    assert {(r["agency"], r["role"], r["reason"], r["status"]) for r in care} == {
        ("health", "lead", "health_finding", "pending"),
        ("education", "responsible", "health_finding", "pending"),
    }
    again = await routing.applied(assessed(health, risk="high", follow_up_needed=True), publisher="health")
    assert len(again["referrals"]) == len(case["referrals"])


async def test_lower_risk_or_no_follow_up_refers_nobody(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["injury"], injured=True))
    health = referral_of(case, "health", "medical_protection")

    await routing.applied(assessed(health, risk="moderate", follow_up_needed=True), publisher="health")
    case = await routing.applied(assessed(health, risk="high", follow_up_needed=False), publisher="health")

    assert not [r for r in case["referrals"] if r["task"] == "psychological_care"]
