"""A P1 report of an injured, abused child opens a case with police (emergency), health and civil affairs
referrals, each recording the rules version that made it."""

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
    assert types(case)[2:] == ["referral.created.v1"] * len(case["referrals"])
    # Every referral starts its acceptance clock; the police emergency and the injured child's health
    # referral start first dispatch and admission (stamped by routing's own referral.created events).
    clocks = {(c["clock"], c["subject_id"]) for c in case["sla_clocks"]}
    assert {("referral.acceptance", r["referral_id"]) for r in case["referrals"]} <= clocks
    assert ("police.first_dispatch", police["referral_id"]) in clocks
    assert ("health.admission", health["referral_id"]) in clocks
    assert {c["state"] for c in case["sla_clocks"]} == {"running"}

    published = await routing.emitted(
        lambda events: (
            len([e for e in events if e.subject == case_id and not e.type.startswith("sla.")])
            == 1 + len(case["referrals"])
        ),
        "case.opened and every referral.created published",
    )
    created = [e.data for e in published if e.type == "referral.created.v1"]
    assert {e["referral_id"] for e in created} == {r["referral_id"] for r in case["referrals"]}
    assert {(e["reason"], e["rule_version"]) for e in created} == {("triage", "routing.v1")}
