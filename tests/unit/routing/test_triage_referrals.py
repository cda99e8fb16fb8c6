import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.routing.triage import Agency, PlannedReferral, Priority, RoutingRules, TriageFacts, triage
from services.routing.triage.rules import DEFAULT_RULES_PATH, DOMAIN_CATEGORIES

RULES = RoutingRules.load()
CA, ED, HE, PO = Agency.CIVIL_AFFAIRS, Agency.EDUCATION, Agency.HEALTH, Agency.POLICE
ASSESSMENT = {(CA, "assessment_and_assistance", "lead")}
RESCUE = {
    (CA, "rescue_and_protection", "lead"),
    (ED, "rescue_and_protection", "responsible"),
    (PO, "rescue_and_protection", "responsible"),
}
JUDICIAL_SUPPORT = {(ED, "judicial_protection", "responsible"), (CA, "judicial_protection", "responsible")}
JUDICIAL = {(PO, "judicial_protection", "lead")} | JUDICIAL_SUPPORT
EDUCATION = {(ED, "education_support", "lead"), (CA, "education_support", "responsible")}
MEDICAL = {
    (HE, "medical_protection", "lead"),
    (CA, "medical_protection", "responsible"),
    (PO, "medical_protection", "responsible"),
}
PSYCHOLOGICAL = {(HE, "psychological_care", "lead"), (ED, "psychological_care", "responsible")}
EMERGENCY = {(PO, "emergency_response", "lead")}


def facts(
    *categories: str, immediate_danger: bool = False, injured: bool = False, age: int | None = 10
) -> TriageFacts:
    return TriageFacts(frozenset(categories), immediate_danger, injured, age, "rural", "village_committee")


def planned(situation: TriageFacts, rules: RoutingRules = RULES) -> set[tuple[Agency, str, str]]:
    return {(r.agency, r.task, r.role) for r in triage(situation, rules).referrals}


def emergency_referral(referrals: list[PlannedReferral]) -> PlannedReferral:
    [police_emergency] = [r for r in referrals if r.agency is PO and r.emergency]
    return police_emergency


@pytest.mark.parametrize(
    ("category", "referrals"),
    [
        ("poverty", ASSESSMENT),
        ("disability", ASSESSMENT | EDUCATION),
        ("guardianship_failure", ASSESSMENT | RESCUE),
        ("abuse", ASSESSMENT | JUDICIAL | RESCUE),
        ("abandonment", ASSESSMENT | JUDICIAL | RESCUE),
        ("injury", ASSESSMENT | MEDICAL),
        # P1: the police-led judicial protection is merged into the emergency referral.
        ("unlawful_harm", ASSESSMENT | EMERGENCY | JUDICIAL_SUPPORT | RESCUE | PSYCHOLOGICAL),
        ("street_child", ASSESSMENT | RESCUE),
        ("left_behind", ASSESSMENT | RESCUE),
        ("de_facto_unattended", ASSESSMENT | RESCUE),
        ("missing", ASSESSMENT | EMERGENCY | {(CA, "missing_child", "responsible")}),
        ("dropout", ASSESSMENT | EDUCATION),
        ("mental_health", ASSESSMENT | PSYCHOLOGICAL),
    ],
)
def test_each_category_maps_to_its_referrals(category: str, referrals: set[tuple[Agency, str, str]]) -> None:
    assert planned(facts(category)) == referrals


def test_the_table_above_covers_every_domain_category() -> None:
    assert set(RULES.category_tasks) == DOMAIN_CATEGORIES


def test_an_abandoned_infant_gets_police_emergency_and_civil_affairs_rescue() -> None:
    assert planned(facts("abandonment", age=0)) == ASSESSMENT | EMERGENCY | JUDICIAL_SUPPORT | RESCUE


# --- invariants over every combination --------------------------------------------------------------

EVERY_SITUATION = [
    facts(category, immediate_danger=danger, injured=injured, age=age)
    for category, danger, injured, age in itertools.product(
        sorted(DOMAIN_CATEGORIES), (False, True), (False, True), (None, 1, 10)
    )
] + [facts(*pair, injured=True) for pair in itertools.combinations(sorted(DOMAIN_CATEGORIES), 2)]


def test_p1_means_exactly_one_police_emergency_referral_and_no_other_police_lead() -> None:
    for situation in EVERY_SITUATION:
        decision = triage(situation, RULES)
        police_leads = [r for r in decision.referrals if r.agency is PO and r.role == "lead"]
        police_emergencies = [r for r in decision.referrals if r.agency is PO and r.emergency]
        if decision.priority is Priority.P1:
            assert police_leads == police_emergencies, situation
            assert [(r.task, r.role) for r in police_emergencies] == [("emergency_response", "lead")], (
                situation
            )
        else:
            assert police_emergencies == [], situation
            assert all(r.task != "emergency_response" for r in decision.referrals), situation


def test_an_injured_child_always_gets_a_health_referral() -> None:
    for situation in EVERY_SITUATION:
        if situation.injured:
            assert (HE, "medical_protection", "lead") in planned(situation), situation


def test_there_is_one_referral_per_agency_task_and_role() -> None:
    for situation in EVERY_SITUATION:
        referrals = triage(situation, RULES).referrals
        assert len({(r.agency, r.task, r.role) for r in referrals}) == len(referrals), situation


def test_civil_affairs_as_overall_lead_always_assesses() -> None:
    for situation in EVERY_SITUATION:
        assert ASSESSMENT <= planned(situation), situation


def test_only_leads_are_ever_emergencies() -> None:
    for situation in EVERY_SITUATION:
        assert all(r.role == "lead" for r in triage(situation, RULES).referrals if r.emergency), situation


def test_p1_police_tasks_are_merged_into_the_one_emergency_referral_in_file_order() -> None:
    referrals = triage(facts("missing", "abuse"), RULES).referrals
    assert emergency_referral(referrals).merged_tasks == ("judicial_protection", "missing_child")


def test_p1_without_police_tasks_still_dispatches_police() -> None:
    referrals = triage(facts("poverty", immediate_danger=True), RULES).referrals
    assert emergency_referral(referrals).merged_tasks == ()
    assert {(r.agency, r.task, r.role) for r in referrals} == ASSESSMENT | EMERGENCY


def test_outside_p1_police_lead_tasks_stay_separate_referrals() -> None:
    referrals = triage(facts("abuse"), RULES).referrals
    assert (PO, "judicial_protection", "lead") in {(r.agency, r.task, r.role) for r in referrals}
    assert not any(r.emergency or r.merged_tasks for r in referrals)


def test_an_injured_child_in_a_p1_case_is_a_health_emergency_but_not_in_p2() -> None:
    def health_lead(situation: TriageFacts) -> PlannedReferral:
        return next(r for r in triage(situation, RULES).referrals if r.agency is HE and r.role == "lead")

    assert health_lead(facts("abuse", injured=True)).emergency is True
    assert health_lead(facts("left_behind", injured=True)).emergency is False


def test_tasks_shared_by_categories_are_referred_once() -> None:
    shared = planned(facts("abuse", "abandonment", "guardianship_failure", "street_child"))
    assert shared == ASSESSMENT | JUDICIAL | RESCUE


# --- determinism ---------------------------------------------------------------------------------------


TRIAGE_IN_A_FRESH_INTERPRETER = """
from services.routing.triage import RoutingRules, TriageFacts, triage
categories = frozenset({"unlawful_harm", "dropout", "abuse", "missing", "poverty", "mental_health"})
print(repr(triage(TriageFacts(categories, False, True, 7, "urban", "public"), RoutingRules.load())))
"""


def test_the_decision_is_the_same_whatever_the_interpreters_hash_seed() -> None:
    # Sets of strings iterate in a per-process order; a decision must not inherit it.
    decisions = {
        subprocess.run(
            [sys.executable, "-c", TRIAGE_IN_A_FRESH_INTERPRETER],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parents[3],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2", "3")
    }
    assert len(decisions) == 1


def test_referrals_come_emergencies_first_then_leads_then_responsible_in_file_task_order() -> None:
    referrals = triage(facts("unlawful_harm", "dropout", injured=True), RULES).referrals
    assert [(r.agency, r.task, r.role, r.emergency) for r in referrals] == [
        (PO, "emergency_response", "lead", True),
        (HE, "medical_protection", "lead", True),
        (CA, "rescue_and_protection", "lead", False),
        (ED, "education_support", "lead", False),
        (HE, "psychological_care", "lead", False),
        (CA, "assessment_and_assistance", "lead", False),
        (PO, "medical_protection", "responsible", False),
        (CA, "medical_protection", "responsible", False),
        (PO, "rescue_and_protection", "responsible", False),
        (ED, "rescue_and_protection", "responsible", False),
        (ED, "judicial_protection", "responsible", False),
        (CA, "judicial_protection", "responsible", False),
        (CA, "education_support", "responsible", False),
        (ED, "psychological_care", "responsible", False),
    ]


# --- the rules decide, not the code ------------------------------------------------------------------


def test_a_city_can_drop_the_civil_affairs_baseline_assessment(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["baseline_tasks"] = []
    path = tmp_path / "routing.v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rules = RoutingRules.load(path)
    assert planned(facts("dropout"), rules) == EDUCATION
    # Poverty still reaches civil affairs because its own mapping asks for the assessment.
    assert planned(facts("poverty"), rules) == ASSESSMENT
    # The fixed invariants hold whatever the file says.
    assert (
        planned(facts("dropout", immediate_danger=True, injured=True), rules)
        == EDUCATION | EMERGENCY | MEDICAL
    )
