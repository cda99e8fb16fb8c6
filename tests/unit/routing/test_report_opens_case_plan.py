"""A report for a case routing does not hold opens it: the plan's rows and events, without a database."""

from contracts.events.routing import AssignedReferral, CaseOpened, ReferralsAssigned
from services.routing.cases.decide import decide_report
from services.routing.triage import RoutingRules, TriageFacts, triage
from sla.policy import SlaPolicy
from tests.unit.routing.report_plans import NOW, ids, p1_report

RULES = RoutingRules.load()
POLICY = SlaPolicy.load()


def test_a_new_case_gets_its_row_triage_history_referrals_and_events_in_order() -> None:
    report = p1_report()
    plan = decide_report(
        event=report, event_id="envelope-1", case=None, rules=RULES, policy=POLICY, now=NOW, new_id=ids()
    )

    facts = TriageFacts(frozenset({"abuse"}), True, True, 9, "urban", "hotline_12355")
    decision = triage(facts, RULES)
    assert plan.new_case and plan.raise_open_referrals_to is None
    assert plan.report == {
        "report_id": "report-1",
        "case_id": "case-1",
        "event_id": "envelope-1",
        "new_case": True,
        "corroborates_report_id": None,
        "categories": ["abuse"],
        "received_at": NOW,
    }
    assert plan.case["child_display_name"] == "张**"  # routing keeps the masked name only
    assert (plan.case["priority"], plan.case["status"], plan.case["opened_at"]) == ("P1", "open", NOW)
    assert plan.case["priority_reasons"] == decision.priority_reasons
    assert plan.priority_change == {
        "case_id": "case-1",
        "previous_priority": None,
        "priority": "P1",
        "cause": "triage",
        "reasons": decision.priority_reasons,
        "rule_version": "routing.v1",
        "event_id": "envelope-1",
        "changed_at": NOW,
    }
    planned = [(r.agency.value, r.task, r.role, r.emergency) for r in decision.referrals]
    assert len(planned) == 10
    assert [(r["agency"], r["task"], r["role"], r["emergency"]) for r in plan.referrals] == planned
    assert [r["referral_id"] for r in plan.referrals] == [f"referral-{n}" for n in range(1, 11)]
    assert {(r["status"], r["reason"], r["priority"], r["created_at"]) for r in plan.referrals} == {
        ("pending", "triage", "P1", NOW)
    }
    assert plan.referrals[0]["origin_key"] == "case-1/plan/{agency}/{task}/{role}".format(**plan.referrals[0])

    opened, *assigned = plan.events
    assert opened == CaseOpened(
        case_id="case-1",
        child_id="child-1",
        priority="P1",
        priority_reasons=decision.priority_reasons,
        rule_version="routing.v1",
        opened_at=NOW,
    )
    agencies = list(dict.fromkeys(r["agency"] for r in plan.referrals))
    assert [e.agency for e in assigned] == agencies  # one event per agency, in the plan's order
    assert [e.model_copy(update={"deadlines": []}) for e in assigned] == [
        ReferralsAssigned(
            case_id="case-1",
            child_id="child-1",
            agency=agency,
            priority="P1",
            categories=["abuse"],
            district="370702",
            area="urban",
            rule_version="routing.v1",
            reason="triage",
            referrals=[
                AssignedReferral(
                    referral_id=r["referral_id"], task=r["task"], role=r["role"], emergency=r["emergency"]
                )
                for r in plan.referrals
                if r["agency"] == agency
            ],
            assigned_at=NOW,
        )
        for agency in agencies
    ]
