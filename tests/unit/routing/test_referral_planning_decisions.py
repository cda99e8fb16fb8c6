"""Which referrals a joining report or a police outcome adds to a case."""

import pytest

from services.routing.cases.decisions import (
    OutcomeReferral,
    emergency_for,
    new_referrals,
    police_outcome_referrals,
)
from services.routing.triage import Agency, PlannedReferral, Priority, RoutingRules

RULES = RoutingRules.load()


def test_only_combinations_the_case_lacks_are_new_whatever_their_status() -> None:
    planned = [
        PlannedReferral(Agency.POLICE, "judicial_protection", "lead", False),
        PlannedReferral(Agency.EDUCATION, "judicial_protection", "responsible", False),
        PlannedReferral(Agency.EDUCATION, "education_support", "lead", False),
    ]
    existing = {
        ("police", "judicial_protection", "lead"),
        ("education", "judicial_protection", "responsible"),
    }
    assert new_referrals(planned, existing) == [planned[2]]


def test_a_plan_naming_a_combination_twice_yields_it_once() -> None:
    twice = [PlannedReferral(Agency.HEALTH, "medical_protection", "lead", True)] * 2
    assert new_referrals(twice, set()) == twice[:1]


@pytest.mark.parametrize(
    ("outcome", "injury_found", "referrals"),
    [
        (
            "escorted_to_temporary_care",
            False,
            [OutcomeReferral(Agency.CIVIL_AFFAIRS, "rescue_and_protection")],
        ),
        ("taken_to_hospital", False, [OutcomeReferral(Agency.HEALTH, "medical_protection")]),
        ("child_safe_where_found", True, [OutcomeReferral(Agency.HEALTH, "medical_protection")]),
        ("taken_to_hospital", True, [OutcomeReferral(Agency.HEALTH, "medical_protection")]),
        (
            "escorted_to_temporary_care",
            True,
            [
                OutcomeReferral(Agency.CIVIL_AFFAIRS, "rescue_and_protection"),
                OutcomeReferral(Agency.HEALTH, "medical_protection"),
            ],
        ),
        ("child_safe_where_found", False, []),
        ("escorted_to_relatives", False, []),
        ("criminal_case_opened", False, []),
        ("child_not_found", False, []),
    ],
)
def test_police_outcomes_hand_the_child_on(
    outcome: str, injury_found: bool, referrals: list[OutcomeReferral]
) -> None:
    assert police_outcome_referrals(outcome, injury_found=injury_found) == referrals


def test_emergency_follows_the_rules_for_the_task_and_priority() -> None:
    assert emergency_for("medical_protection", Priority.P1, RULES)
    assert not emergency_for("medical_protection", Priority.P2, RULES)
    assert not emergency_for("rescue_and_protection", Priority.P1, RULES)
    assert not emergency_for("no_such_task", Priority.P1, RULES)
