"""When agency findings and later reports raise a case's priority, and that they never lower it."""

import pytest

from services.routing.cases.decisions import (
    SERIOUS_INJURY_REASON,
    is_serious_injury,
    raise_for_findings,
    union_facts,
)
from services.routing.triage import Priority, RoutingRules, TriageFacts

RULES = RoutingRules.load()


def facts(*categories: str, injured: bool = False, danger: bool = False, age: int | None = 9) -> TriageFacts:
    return TriageFacts(frozenset(categories), danger, injured, age, "urban", "school")


@pytest.mark.parametrize(
    ("injury_evidence", "severity", "serious"),
    [
        (True, "serious", True),
        (True, "critical", True),
        (True, "minor", False),
        (True, "none", False),
        (False, "serious", False),
        (False, "critical", False),
    ],
)
def test_only_evidence_of_a_serious_or_critical_injury_is_serious(
    injury_evidence: bool, severity: str, serious: bool
) -> None:
    assert is_serious_injury(injury_evidence=injury_evidence, severity=severity) is serious


def test_a_serious_injury_makes_any_case_p1_with_a_fixed_reason() -> None:
    raised = raise_for_findings(Priority.P3, facts("poverty", injured=True), RULES, serious_injury=True)
    assert raised is not None
    assert (raised.priority, raised.reasons) == (Priority.P1, [SERIOUS_INJURY_REASON])


def test_a_serious_injury_of_an_abused_child_records_the_rule_and_the_severity() -> None:
    raised = raise_for_findings(Priority.P2, facts("abuse", injured=True), RULES, serious_injury=True)
    assert raised is not None
    assert raised.reasons == ["P1-injured-abused-child", SERIOUS_INJURY_REASON]


def test_a_police_finding_of_injury_raises_by_the_rules_only() -> None:
    raised = raise_for_findings(Priority.P3, facts("dropout", injured=True), RULES)
    assert raised is not None
    assert (raised.priority, raised.reasons) == (Priority.P2, ["P2-injured-child"])


def test_an_injured_abused_child_found_by_police_is_p1() -> None:
    raised = raise_for_findings(Priority.P2, facts("abuse", injured=True), RULES)
    assert raised is not None
    assert (raised.priority, raised.reasons) == (Priority.P1, ["P1-injured-abused-child"])


@pytest.mark.parametrize("serious", [True, False])
def test_a_p1_case_is_never_re_raised(serious: bool) -> None:
    assert (
        raise_for_findings(Priority.P1, facts("abuse", injured=True), RULES, serious_injury=serious) is None
    )


def test_findings_never_lower_the_priority() -> None:
    assert raise_for_findings(Priority.P1, facts("poverty", injured=True), RULES) is None
    assert raise_for_findings(Priority.P2, facts("poverty"), RULES) is None


def test_facts_accumulate_and_a_newer_age_replaces_an_older_one() -> None:
    current = facts("abuse", age=9)
    merged = union_facts(current, categories=["dropout"], immediate_danger=True, child_age_years=10)
    assert merged.categories == {"abuse", "dropout"}
    assert (merged.immediate_danger, merged.injured, merged.child_age_years) == (True, False, 10)
    assert union_facts(merged, injured=False, immediate_danger=False).immediate_danger is True
    assert union_facts(merged).child_age_years == 10
