import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from services.routing.triage import (
    Priority,
    RoutingRules,
    RoutingRulesError,
    TriageFacts,
    raise_priority,
    triage,
)
from services.routing.triage.rules import DEFAULT_RULES_PATH, assess_priority

RULES = RoutingRules.load()


def facts(
    *categories: str,
    immediate_danger: bool = False,
    injured: bool = False,
    age: int | None = 10,
    area: str = "urban",
) -> TriageFacts:
    return TriageFacts(frozenset(categories), immediate_danger, injured, age, area, "school")


def test_the_default_rules_file_loads_and_is_versioned() -> None:
    assert RULES.version == "routing.v1"
    assert triage(facts("poverty"), RULES).rule_version == "routing.v1"


# --- every priority rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "priority", "reasons"),
    [
        (facts("poverty", immediate_danger=True), "P1", ["P1-immediate-danger"]),
        (facts("missing"), "P1", ["P1-missing-child"]),
        (facts("abandonment", age=0), "P1", ["P1-abandoned-infant"]),
        (facts("abandonment", age=2), "P1", ["P1-abandoned-infant"]),
        (facts("abandonment", age=None), "P1", ["P1-abandoned-infant"]),
        (facts("unlawful_harm"), "P1", ["P1-unlawful-harm"]),
        (facts("abuse", injured=True), "P1", ["P1-injured-abused-child"]),
        (facts("abuse"), "P2", ["P2-abuse"]),
        (facts("abandonment", age=3), "P2", ["P2-abandoned-older-child"]),
        (facts("guardianship_failure"), "P2", ["P2-guardianship-failure"]),
        (facts("injury"), "P2", ["P2-accidental-injury"]),
        (facts("street_child"), "P2", ["P2-street-child"]),
        (facts("left_behind", injured=True), "P2", ["P2-injured-child"]),
        (facts("poverty"), "P3", ["P3-poverty"]),
        (facts("disability"), "P3", ["P3-disability"]),
        (facts("left_behind"), "P3", ["P3-left-behind"]),
        (facts("de_facto_unattended"), "P3", ["P3-de-facto-unattended"]),
        (facts("dropout"), "P3", ["P3-dropout"]),
        (facts("mental_health"), "P3", ["P3-mental-health-without-crisis"]),
    ],
)
def test_each_priority_rule_fires_on_its_situation(
    situation: TriageFacts, priority: str, reasons: list[str]
) -> None:
    decision = triage(situation, RULES)
    assert (decision.priority, decision.priority_reasons) == (Priority(priority), reasons)


def test_every_rule_in_the_file_is_exercised_above() -> None:
    exercised = {
        "P1-immediate-danger", "P1-missing-child", "P1-abandoned-infant", "P1-unlawful-harm",
        "P1-injured-abused-child", "P2-abuse", "P2-abandoned-older-child", "P2-guardianship-failure",
        "P2-accidental-injury", "P2-street-child", "P2-injured-child", "P3-poverty", "P3-disability",
        "P3-left-behind", "P3-de-facto-unattended", "P3-dropout", "P3-mental-health-without-crisis",
    }  # fmt: skip
    assert {rule.id for rule in RULES.priority_rules} == exercised


def test_the_most_urgent_priority_wins_and_only_its_rules_are_the_reasons() -> None:
    decision = triage(facts("poverty", "abuse", "dropout", injured=True), RULES)
    assert decision.priority is Priority.P1
    assert decision.priority_reasons == ["P1-injured-abused-child"]


def test_all_rules_giving_the_winning_priority_are_recorded_in_file_order() -> None:
    decision = triage(facts("unlawful_harm", "missing", "abuse", immediate_danger=True, injured=True), RULES)
    assert decision.priority_reasons == [
        "P1-immediate-danger",
        "P1-missing-child",
        "P1-unlawful-harm",
        "P1-injured-abused-child",
    ]


def test_a_mental_health_crisis_is_reported_as_immediate_danger_and_becomes_p1() -> None:
    assert triage(facts("mental_health", immediate_danger=True), RULES).priority is Priority.P1


@pytest.mark.parametrize(
    ("category", "priority"),
    [
        ("poverty", "P3"), ("disability", "P3"), ("guardianship_failure", "P2"), ("abuse", "P2"),
        ("abandonment", "P2"), ("injury", "P2"), ("unlawful_harm", "P1"), ("street_child", "P2"),
        ("left_behind", "P3"), ("de_facto_unattended", "P3"), ("missing", "P1"), ("dropout", "P3"),
        ("mental_health", "P3"),
    ],
)  # fmt: skip
def test_every_category_alone_has_a_priority(category: str, priority: str) -> None:
    assert triage(facts(category), RULES).priority is Priority(priority)


def test_priority_urgency_order() -> None:
    assert Priority.P1.is_more_urgent_than(Priority.P2)
    assert Priority.P2.is_more_urgent_than(Priority.P3)
    assert not Priority.P2.is_more_urgent_than(Priority.P2)
    assert not Priority.P3.is_more_urgent_than(Priority.P1)


# --- raise-only ------------------------------------------------------------------------------------


def test_a_police_finding_of_injury_raises_an_abuse_case_to_p1() -> None:
    raised = raise_priority(Priority.P2, facts("abuse", injured=True), RULES)
    assert raised is not None
    assert (raised.priority, raised.reasons) == (Priority.P1, ["P1-injured-abused-child"])


def test_a_later_report_of_abuse_raises_a_poverty_case_to_p2() -> None:
    raised = raise_priority(Priority.P3, facts("poverty", "abuse"), RULES)
    assert raised is not None
    assert (raised.priority, raised.reasons) == (Priority.P2, ["P2-abuse"])


@pytest.mark.parametrize(
    ("current", "new_facts"),
    [
        (Priority.P1, facts("poverty")),
        (Priority.P1, facts("abuse")),
        (Priority.P2, facts("dropout")),
        (Priority.P2, facts("street_child")),
        (Priority.P3, facts("left_behind")),
        (Priority.P1, facts("missing")),
    ],
)
def test_priority_is_never_lowered_nor_re_announced(current: Priority, new_facts: TriageFacts) -> None:
    assert raise_priority(current, new_facts, RULES) is None


# --- facts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: facts(), "at least one category"),
        (lambda: facts("abuse", age=-1), "negative"),
        (lambda: facts("abuse", area="mountain"), "area"),
    ],
)
def test_impossible_facts_are_refused(make: Callable[[], TriageFacts], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_category_the_rules_do_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="bullying"):
        assess_priority(facts("abuse", "bullying"), RULES)


# --- invalid rules files ------------------------------------------------------------------------------


def default_rules() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    return loaded


def rule_named(rules: dict[str, Any], rule_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(rule for rule in rules["priority_rules"] if rule["id"] == rule_id)
    return found


def _without_version(rules: dict[str, Any]) -> None:
    del rules["version"]


def _unnumbered_version(rules: dict[str, Any]) -> None:
    rules["version"] = "routing-latest"


def _undefined_task(rules: dict[str, Any]) -> None:
    rules["category_tasks"]["dropout"]["tasks"] = ["home_schooling"]


def _emergency_by_category(rules: dict[str, Any]) -> None:
    rules["category_tasks"]["abuse"]["tasks"].append("emergency_response")


def _undefined_baseline(rules: dict[str, Any]) -> None:
    rules["baseline_tasks"][0]["task"] = "census"


def _unmapped_category(rules: dict[str, Any]) -> None:
    del rules["category_tasks"]["missing"]


def _unknown_mapped_category(rules: dict[str, Any]) -> None:
    rules["category_tasks"]["bullying"] = {"tasks": ["education_support"], "reason": "r"}


def _unknown_rule_category(rules: dict[str, Any]) -> None:
    rule_named(rules, "P3-poverty")["when"]["any_category"] = ["poverty", "bullying"]


def _emergency_not_police(rules: dict[str, Any]) -> None:
    rules["tasks"]["emergency_response"]["lead"] = "civil_affairs"


def _no_medical_task(rules: dict[str, Any]) -> None:
    del rules["tasks"]["medical_protection"]
    rules["category_tasks"]["injury"]["tasks"] = ["assessment_and_assistance"]


def _unknown_agency(rules: dict[str, Any]) -> None:
    rules["tasks"]["education_support"]["responsible"] = ["womens_federation"]


def _lead_also_responsible(rules: dict[str, Any]) -> None:
    rules["tasks"]["education_support"]["responsible"] = ["education"]


def _duplicate_rule_id(rules: dict[str, Any]) -> None:
    rule_named(rules, "P3-dropout")["id"] = "P3-poverty"


def _empty_condition(rules: dict[str, Any]) -> None:
    rule_named(rules, "P1-immediate-danger")["when"] = {}


def _category_without_own_rule(rules: dict[str, Any]) -> None:
    rules["priority_rules"] = [rule for rule in rules["priority_rules"] if rule["id"] != "P3-dropout"]


def _unknown_priority(rules: dict[str, Any]) -> None:
    rule_named(rules, "P3-dropout")["priority"] = "P4"


def _unknown_condition(rules: dict[str, Any]) -> None:
    rule_named(rules, "P3-dropout")["when"]["weather"] = "stormy"


def _age_condition_without_unknown_decision(rules: dict[str, Any]) -> None:
    del rule_named(rules, "P1-abandoned-infant")["when"]["child_age"]["when_unknown"]


def _empty_reason(rules: dict[str, Any]) -> None:
    rule_named(rules, "P2-abuse")["reason"] = "  "


@pytest.mark.parametrize(
    ("break_rules", "complaint"),
    [
        (_without_version, "version"),
        (_unnumbered_version, "version"),
        (_undefined_task, "category 'dropout' names undefined task 'home_schooling'"),
        (_emergency_by_category, "category 'abuse' names 'emergency_response', which only priority P1 plans"),
        (_undefined_baseline, "baseline_tasks names undefined task 'census'"),
        (_unmapped_category, "category 'missing' has no category_tasks"),
        (_unknown_mapped_category, "category_tasks names unknown category 'bullying'"),
        (_unknown_rule_category, "priority rule 'P3-poverty' names unknown category 'bullying'"),
        (_emergency_not_police, "task 'emergency_response' must be defined with lead 'police'"),
        (_no_medical_task, "task 'medical_protection' must be defined with lead 'health'"),
        (_unknown_agency, "tasks.education_support.responsible.0"),
        (_lead_also_responsible, "an agency appears twice"),
        (_duplicate_rule_id, "priority rule id 'P3-poverty' is used twice"),
        (_empty_condition, "'when' needs at least one condition"),
        (_category_without_own_rule, "category 'dropout' has no priority rule of its own"),
        (_unknown_priority, "Input should be 'P1', 'P2' or 'P3'"),
        (_unknown_condition, "weather"),
        (_age_condition_without_unknown_decision, "when_unknown"),
        (_empty_reason, "reason\n  String should have at least 1 character"),
    ],
)
def test_an_invalid_rules_file_is_refused_saying_what_is_wrong(
    tmp_path: Path, break_rules: Callable[[dict[str, Any]], None], complaint: str
) -> None:
    rules = default_rules()
    break_rules(rules)
    path = tmp_path / "routing.v9.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(RoutingRulesError) as refused:
        RoutingRules.load(path)
    assert complaint in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_rules_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "routing.v1.json"
    path.write_text('{"version": "routing.v1",', encoding="utf-8")
    with pytest.raises(RoutingRulesError) as refused:
        RoutingRules.load(path)
    assert "Invalid JSON" in str(refused.value)


def test_a_missing_rules_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RoutingRulesError, match="cannot read routing rules"):
        RoutingRules.load(tmp_path / "nowhere.json")
