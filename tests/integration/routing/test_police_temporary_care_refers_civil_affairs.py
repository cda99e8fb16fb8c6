"""The police escorting a child to temporary care hands the child to civil affairs' rescue and protection."""

from contracts.events.police import PoliceResolved
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report, types


def resolved(police: dict, outcome: str) -> PoliceResolved:
    return PoliceResolved(
        referral_id=police["referral_id"],
        case_id=police["case_id"],
        outcome=outcome,
        injury_found=False,
        resolved_at=NOW,
    )


async def test_escorted_to_temporary_care_creates_civil_affairs_referral(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["missing"]))  # P1: no rescue task planned
    police = referral_of(case, "police", "emergency_response")
    assert not [r for r in case["referrals"] if r["task"] == "rescue_and_protection"]

    case = await routing.applied(resolved(police, "escorted_to_temporary_care"), publisher="police")

    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")
    assert (rescue["reason"], rescue["status"], rescue["priority"]) == ("police_outcome", "pending", "P1")
    assert rescue["rule_version"] == "routing.v1"
    assert types(case)[-2:] == ["police.resolved.v1", "referral.created.v1"]


async def test_an_open_civil_affairs_referral_is_not_duplicated(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"], immediate_danger=True))
    before = len(case["referrals"])
    police = referral_of(case, "police", "emergency_response")

    case = await routing.applied(resolved(police, "escorted_to_temporary_care"), publisher="police")

    assert len(case["referrals"]) == before
    assert referral_of(case, "civil_affairs", "rescue_and_protection")["reason"] == "triage"
