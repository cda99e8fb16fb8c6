"""Evidence of a serious injury raises the case to P1, with the reason in the priority history."""

from contracts.events.health import MedicalFindingsRecorded
from tests.integration.routing.routing_support import (
    NOW,
    Routing,
    entries,
    new_id,
    referral_of,
    report,
    types,
)


def findings(referral: dict, severity: str) -> MedicalFindingsRecorded:
    return MedicalFindingsRecorded(
        referral_id=referral["referral_id"],
        case_id=referral["case_id"],
        injury_evidence=True,
        severity=severity,
        recorded_at=NOW,
    )


async def test_serious_injury_finding_raises_priority_to_p1(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["injury"]))  # P2 accidental injury
    health = referral_of(case, "health", "medical_protection")
    assert case["priority"] == "P2"

    case = await routing.applied(findings(health, "serious"), publisher="health")

    assert case["priority"] == "P1"
    assert [
        (h["previous_priority"], h["priority"], h["cause"], h["reasons"]) for h in case["priority_history"]
    ] == [
        (None, "P2", "triage", ["P2-accidental-injury"]),
        ("P2", "P1", "health_finding", ["health-serious-injury"]),
    ]
    assert types(case)[-1] == "case.priority_raised.v1"
    assert "health_finding: health-serious-injury" in entries(case)[-1]["summary"]


async def test_minor_injury_raises_by_the_rules_and_never_lowers(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["poverty"]))  # P3
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")

    case = await routing.applied(findings(assessment, "minor"), publisher="health")
    assert (case["priority"], case["priority_history"][-1]["reasons"]) == ("P2", ["P2-injured-child"])

    case = await routing.applied(findings(assessment, "none"), publisher="health")
    assert case["priority"] == "P2"
    assert len(case["priority_history"]) == 2
