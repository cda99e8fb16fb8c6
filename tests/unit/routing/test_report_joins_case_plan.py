"""A report for a case routing holds joins it: facts accumulate, the priority only rises, and only the
referrals the case lacks are made, at the raised priority, after the raise is announced."""

from dataclasses import replace
from datetime import UTC, datetime

from contracts.events.intake import ReportReceived
from contracts.events.routing import CasePriorityRaised
from services.routing.cases.decide import CaseState, decide_report
from services.routing.triage import Priority, RoutingRules, TriageFacts, triage
from sla.policy import SlaPolicy
from tests.unit.routing.report_plans import NOW, ids, p1_report

RULES = RoutingRules.load()
POLICY = SlaPolicy.load()
LATER = datetime(2026, 11, 27, 8, tzinfo=UTC)


def p2_case() -> CaseState:
    """The case a P2 report of abuse opened, holding every referral triage planned for it."""
    facts = TriageFacts(frozenset({"abuse"}), False, False, 9, "urban", "school")
    decision = triage(facts, RULES)
    assert decision.priority is Priority.P2
    return CaseState(
        case_id="case-1",
        child_id="child-1",
        district="370702",
        area="urban",
        source="school",
        categories=("abuse",),
        immediate_danger=False,
        injured=False,
        child_age_years=9,
        priority=Priority.P2,
        priority_reasons=tuple(decision.priority_reasons),
        referral_keys=frozenset((r.agency.value, r.task, r.role) for r in decision.referrals),
    )


def joining(**changes: object) -> ReportReceived:
    fields = {"new_case": False, "corroborates_report_id": "report-0", "received_at": LATER}
    return p1_report(report_id="report-2", **(fields | changes))


def test_new_facts_raise_the_priority_and_add_only_the_referrals_the_case_lacks() -> None:
    case = p2_case()
    report = joining(categories=["dropout"], immediate_danger=True, injured=False)
    plan = decide_report(
        event=report, event_id="envelope-2", case=case, rules=RULES, policy=POLICY, now=LATER, new_id=ids()
    )

    assert not plan.new_case and not plan.report["new_case"]
    assert plan.case["categories"] == ["abuse", "dropout"]
    assert (plan.case["priority"], plan.case["priority_reasons"]) == ("P1", ["P1-immediate-danger"])
    assert plan.priority_change is not None
    assert (plan.priority_change["previous_priority"], plan.priority_change["cause"]) == ("P2", "new_report")
    assert plan.raise_open_referrals_to is Priority.P1
    assert {(r["agency"], r["task"], r["role"]) for r in plan.referrals} == {
        ("police", "emergency_response", "lead"),
        ("education", "education_support", "lead"),
        ("civil_affairs", "education_support", "responsible"),
    }
    assert {(r["reason"], r["priority"]) for r in plan.referrals} == {("new_report", "P1")}

    raised, *assigned = plan.events
    assert raised == CasePriorityRaised(
        case_id="case-1",
        previous_priority="P2",
        priority="P1",
        reason="new_report: P1-immediate-danger",
        raised_at=LATER,
    )
    assert [e.agency for e in assigned] == ["police", "education", "civil_affairs"]
    assert [r.referral_id for e in assigned for r in e.referrals] == [
        r["referral_id"] for r in plan.referrals
    ]
    assert {(e.priority, e.reason, tuple(e.categories)) for e in assigned} == {
        ("P1", "new_report", ("abuse", "dropout"))
    }


def test_a_report_adding_nothing_changes_only_the_cases_facts() -> None:
    case = p2_case()
    report = joining(categories=["abuse"], immediate_danger=False, injured=False, child_age_years=10)
    plan = decide_report(
        event=report, event_id="envelope-2", case=case, rules=RULES, policy=POLICY, now=LATER
    )

    assert plan.events == [] and plan.referrals == []
    assert plan.priority_change is None and plan.raise_open_referrals_to is None
    assert (plan.case["priority"], plan.case["child_age_years"], plan.case["updated_at"]) == ("P2", 10, LATER)


def test_the_priority_never_falls() -> None:
    case = replace(p2_case(), priority=Priority.P1, priority_reasons=("P1-immediate-danger",))
    plan = decide_report(
        event=joining(immediate_danger=False, injured=False),
        event_id="e",
        case=case,
        rules=RULES,
        policy=POLICY,
        now=NOW,
    )
    assert plan.case["priority"] == "P1" and plan.priority_change is None
