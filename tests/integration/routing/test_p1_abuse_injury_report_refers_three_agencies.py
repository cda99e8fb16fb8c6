"""A P1 report of an injured, abused child opens a case with police (emergency), health and civil affairs
referrals, each recording the rules version that made it."""

from datetime import datetime

import pytest

from tests.integration.routing.routing_support import Routing, new_id, referral_of, report, types


@pytest.mark.parametrize("routing", ["embedded", "kafka"], indirect=True)
async def test_p1_abuse_and_injury_report_opens_case_with_emergency_referrals(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"], injured=True))

    assert (case["status"], case["priority"]) == ("open", "P1")
    assert case["priority_reasons"] == ["P1-injured-abused-child"]
    assert case["rule_version"] == "routing.v1"
    assert case["child"] == {
        "child_id": "child-" + case_id,
        "display_name": "张**",
        "gender": "female",
        "age_years": 9,
    }
    assert [(h["priority"], h["cause"], h["reasons"]) for h in case["priority_history"]] == [
        ("P1", "triage", ["P1-injured-abused-child"])
    ]

    police = referral_of(case, "police", "emergency_response")
    health = referral_of(case, "health", "medical_protection")
    civil_affairs = referral_of(case, "civil_affairs", "rescue_and_protection")
    assert police["emergency"] and health["emergency"]
    assert not civil_affairs["emergency"]
    assert [r for r in case["referrals"] if r["agency"] == "police" and r["emergency"]] == [
        {k: v for k, v in police.items() if k != "case_id"}
    ]
    assert {r["rule_version"] for r in case["referrals"]} == {"routing.v1"}
    assert {(r["status"], r["reason"], r["priority"]) for r in case["referrals"]} == {
        ("pending", "triage", "P1")
    }

    assert types(case)[:2] == ["report.received.v1", "case.opened.v1"]
    agencies = sorted({r["agency"] for r in case["referrals"]})
    assert types(case)[2:] == ["referrals.assigned.v1"] * len(agencies)  # one per agency, not per referral
    # Every referral starts its acceptance clock; the police emergency and the injured child's health
    # referral start first dispatch and admission (derived from routing's own referrals.assigned events).
    clocks = {(c["clock"], c["subject_id"]) for c in case["sla_clocks"]}
    assert {("referral.acceptance", r["referral_id"]) for r in case["referrals"]} <= clocks
    assert ("police.first_dispatch", police["referral_id"]) in clocks
    assert ("health.admission", health["referral_id"]) in clocks
    assert {c["state"] for c in case["sla_clocks"]} == {"running"}

    published = await routing.emitted(
        lambda events: (
            len([e for e in events if e.subject == case_id and not e.type.startswith("sla.")])
            == 1 + len(agencies)
        ),
        "case.opened and one referrals.assigned per agency published",
    )
    assigned = [e for e in published if e.subject == case_id and e.type == "referrals.assigned.v1"]
    assert sorted(e.agency for e in assigned) == agencies  # the ce_agency extension names each one
    assert sorted(r["referral_id"] for e in assigned for r in e.data["referrals"]) == sorted(
        r["referral_id"] for r in case["referrals"]
    )
    assert {(e.data["reason"], e.data["rule_version"]) for e in assigned} == {("triage", "routing.v1")}
    # the deadlines they carry are the clocks routing keeps for their referrals
    ids = {r["referral_id"] for r in case["referrals"]}
    carried = [(d["clock"], d["subject_id"], due(d["due_at"])) for e in assigned for d in e.data["deadlines"]]
    kept = [
        (c["clock"], c["subject_id"], due(c["due_at"])) for c in case["sla_clocks"] if c["subject_id"] in ids
    ]
    assert sorted(carried) == sorted(kept)


def due(value: str) -> datetime:
    return datetime.fromisoformat(value)
