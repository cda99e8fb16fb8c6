"""The police taking a child to hospital hands the child to health's medical protection."""

from contracts.events.police import PoliceResolved
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report


async def test_taken_to_hospital_creates_health_referral(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["missing"]))
    police = referral_of(case, "police", "emergency_response")

    event = PoliceResolved(
        referral_id=police["referral_id"],
        case_id=case_id,
        outcome="taken_to_hospital",
        injury_found=False,
        resolved_at=NOW,
    )
    case = await routing.applied(event, publisher="police")

    health = referral_of(case, "health", "medical_protection")
    assert (health["reason"], health["priority"], health["emergency"]) == ("police_outcome", "P1", True)
