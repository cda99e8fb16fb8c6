"""Casework order on a case file, and the guardianship failure derived from the assessment."""

import pytest

from contracts.events.civil_affairs import Placement
from contracts.events.common import Role
from services.agency.errors import InvalidInput, StepRefused
from services.civil_affairs.casework.rules import (
    CaseworkStep,
    FileState,
    check_casework_step,
    check_completion,
    check_placement,
    guardianship_failure,
)

NEW = FileState()
ASSESSED = FileState(assessed=True)
FAILING = FileState(assessed=True, guardianship_failure=True)
MONITORED = FileState(assessed=True, monitoring=True)


@pytest.mark.parametrize(
    ("guardianship", "failure"),
    [("adequate", False), ("inadequate", True), ("absent", True), ("harmful", True)],
)
def test_guardianship_failure_is_derived(guardianship: str, failure: bool) -> None:
    assert guardianship_failure(guardianship) is failure


@pytest.mark.parametrize(
    "step", [CaseworkStep.ASSISTANCE_PLAN, CaseworkStep.INTERVENTION, CaseworkStep.MONITORING]
)
def test_assistance_intervention_and_monitoring_need_the_assessment(step: CaseworkStep) -> None:
    with pytest.raises(StepRefused, match="complete the assessment first"):
        check_casework_step(step, NEW, role=Role.LEAD)
    check_casework_step(step, ASSESSED, role=Role.LEAD)


@pytest.mark.parametrize(
    "step", [CaseworkStep.PLACEMENT, CaseworkStep.INFORM_REPORTER, CaseworkStep.ASSESSMENT]
)
def test_placement_feedback_and_assessment_need_no_assessment(step: CaseworkStep) -> None:
    check_casework_step(step, NEW, role=Role.RESPONSIBLE)


def test_once_only_steps() -> None:
    with pytest.raises(StepRefused, match="assessment is already completed"):
        check_casework_step(CaseworkStep.ASSESSMENT, ASSESSED, role=Role.LEAD)
    decided = FileState(assessed=True, intervention_decided=True)
    with pytest.raises(StepRefused, match="intervention is already decided"):
        check_casework_step(CaseworkStep.INTERVENTION, decided, role=Role.LEAD)
    with pytest.raises(StepRefused, match="already under monitoring"):
        check_casework_step(CaseworkStep.MONITORING, MONITORED, role=Role.LEAD)


def test_visits_need_monitoring() -> None:
    with pytest.raises(StepRefused, match="start monitoring first"):
        check_casework_step(CaseworkStep.VISIT, ASSESSED, role=Role.LEAD)
    check_casework_step(CaseworkStep.VISIT, MONITORED, role=Role.LEAD)


def test_closing_needs_the_lead_and_a_decided_intervention_after_a_failure() -> None:
    check_casework_step(CaseworkStep.CLOSE_CASE, NEW, role=Role.LEAD)
    check_casework_step(CaseworkStep.CLOSE_CASE, ASSESSED, role=Role.LEAD)
    with pytest.raises(StepRefused, match="only the lead agency's referral"):
        check_casework_step(CaseworkStep.CLOSE_CASE, ASSESSED, role=Role.RESPONSIBLE)
    with pytest.raises(StepRefused, match="decide the intervention first"):
        check_casework_step(CaseworkStep.CLOSE_CASE, FAILING, role=Role.LEAD)
    decided = FileState(assessed=True, guardianship_failure=True, intervention_decided=True)
    check_casework_step(CaseworkStep.CLOSE_CASE, decided, role=Role.LEAD)


def test_temporary_guardianship_names_the_institution() -> None:
    check_placement(Placement.KINSHIP, None)
    check_placement(Placement.TEMPORARY_GUARDIANSHIP_RESCUE_CENTRE, "Rescue centre")
    with pytest.raises(InvalidInput) as error:
        check_placement(Placement.TEMPORARY_GUARDIANSHIP_WELFARE_INSTITUTION, None)
    assert error.value.field == "institution"


def test_completion_needs_the_intervention_after_a_failure() -> None:
    check_completion(NEW)
    check_completion(ASSESSED)
    with pytest.raises(StepRefused, match="decide the intervention first"):
        check_completion(FAILING)
    check_completion(FileState(assessed=True, guardianship_failure=True, intervention_decided=True))
