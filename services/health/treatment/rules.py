"""The order of a hospital's treatment, pure: admission first, then findings and one discharge."""

from __future__ import annotations

from enum import StrEnum

from services.agency.errors import StepRefused


class TreatmentStep(StrEnum):
    ADMISSION = "admission"
    FINDINGS = "findings"
    DISCHARGE = "discharge"


def check_treatment_step(step: TreatmentStep, *, admitted: bool, discharged: bool) -> None:
    """StepRefused unless the step fits what is recorded (a mental-health assessment needs no admission)."""
    if step is TreatmentStep.ADMISSION and admitted:
        raise StepRefused("the child's admission is already recorded")
    if step is not TreatmentStep.ADMISSION and not admitted:
        raise StepRefused("record the child's admission first")
    if step is TreatmentStep.DISCHARGE and discharged:
        raise StepRefused("the child's discharge is already recorded")
