"""Police finding an abused child injured raise the case by the rules and bring in health."""

from contracts.events.police import PoliceResolved
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report


async def test_injury_found_by_police_raises_abuse_case_to_p1_and_refers_health(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))  # P2, no health referral
    police = referral_of(case, "police", "judicial_protection")
    assert not [r for r in case["referrals"] if r["agency"] == "health"]

    event = PoliceResolved(
        referral_id=police["referral_id"],
        case_id=case_id,
        outcome="escorted_to_relatives",
        injury_found=True,
        resolved_at=NOW,
    )
    case = await routing.applied(event, publisher="police")

    assert case["priority"] == "P1"
    last = case["priority_history"][-1]
    assert (last["cause"], last["reasons"]) == ("police_outcome", ["P1-injured-abused-child"])
    health = referral_of(case, "health", "medical_protection")
    assert (health["reason"], health["priority"]) == ("police_outcome", "P1")
    assert [e["type"] for e in case["timeline"][-3:]] == [
        "police.resolved.v1",
        "case.priority_raised.v1",
        "referral.created.v1",
    ]
