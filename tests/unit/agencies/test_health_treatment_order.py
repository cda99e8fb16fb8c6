"""A treatment starts with the admission; findings and one discharge follow it."""

import pytest

from services.agency.errors import StepRefused
from services.health.treatment.rules import TreatmentStep, check_treatment_step


def test_admission_comes_first_and_once() -> None:
    check_treatment_step(TreatmentStep.ADMISSION, admitted=False, discharged=False)
    with pytest.raises(StepRefused, match="admission is already recorded"):
        check_treatment_step(TreatmentStep.ADMISSION, admitted=True, discharged=False)


@pytest.mark.parametrize("step", [TreatmentStep.FINDINGS, TreatmentStep.DISCHARGE])
def test_findings_and_discharge_need_the_admission(step: TreatmentStep) -> None:
    with pytest.raises(StepRefused, match="record the child's admission first"):
        check_treatment_step(step, admitted=False, discharged=False)
    check_treatment_step(step, admitted=True, discharged=False)


def test_discharge_once_but_findings_may_follow_it() -> None:
    with pytest.raises(StepRefused, match="discharge is already recorded"):
        check_treatment_step(TreatmentStep.DISCHARGE, admitted=True, discharged=True)
    check_treatment_step(TreatmentStep.FINDINGS, admitted=True, discharged=True)
