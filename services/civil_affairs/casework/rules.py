"""What civil affairs may record next on a referral's case file, pure.

Assessment (评估) comes first for assistance, intervention and monitoring; a placement in temporary care
may come before it (the child cannot wait for the assessment); visits follow the start of monitoring;
the lead referral closes the case; neither closing nor completion leaves a guardianship failure
without a decided intervention.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contracts.events.civil_affairs import Placement
from contracts.events.common import Role
from services.agency.errors import InvalidInput, StepRefused

FAILING_GUARDIANSHIP = frozenset({"inadequate", "absent", "harmful"})
INSTITUTIONAL_PLACEMENTS = frozenset(
    {Placement.TEMPORARY_GUARDIANSHIP_WELFARE_INSTITUTION, Placement.TEMPORARY_GUARDIANSHIP_RESCUE_CENTRE}
)


class CaseworkStep(StrEnum):
    ASSESSMENT = "assessment"
    ASSISTANCE_PLAN = "assistance_plan"
    INTERVENTION = "intervention"
    PLACEMENT = "placement"
    MONITORING = "monitoring"
    VISIT = "visit"
    INFORM_REPORTER = "inform_reporter"
    CLOSE_CASE = "close_case"


@dataclass(frozen=True)
class FileState:
    """What the case file records so far."""

    assessed: bool = False
    guardianship_failure: bool = False
    intervention_decided: bool = False
    monitoring: bool = False


def guardianship_failure(guardianship: str) -> bool:
    """监护缺失/监护不当: the guardianship is inadequate, absent or harmful."""
    return guardianship in FAILING_GUARDIANSHIP


_NEEDS_ASSESSMENT = {CaseworkStep.ASSISTANCE_PLAN, CaseworkStep.INTERVENTION, CaseworkStep.MONITORING}


def check_casework_step(step: CaseworkStep, state: FileState, *, role: Role) -> None:
    """StepRefused unless the step may be recorded on a file in this state."""
    if step is CaseworkStep.ASSESSMENT and state.assessed:
        raise StepRefused("the assessment is already completed")
    if step in _NEEDS_ASSESSMENT and not state.assessed:
        raise StepRefused("complete the assessment first")
    if step is CaseworkStep.INTERVENTION and state.intervention_decided:
        raise StepRefused("the guardianship intervention is already decided")
    if step is CaseworkStep.MONITORING and state.monitoring:
        raise StepRefused("the case is already under monitoring")
    if step is CaseworkStep.VISIT and not state.monitoring:
        raise StepRefused("start monitoring first: visits are logged for a case under monitoring")
    if step is CaseworkStep.CLOSE_CASE:
        if role is not Role.LEAD:
            raise StepRefused("only the lead agency's referral closes the case")
        check_completion(state)


def check_completion(state: FileState) -> None:
    """No referral completes (nor case closes) with a guardianship failure left without an intervention."""
    if state.guardianship_failure and not state.intervention_decided:
        raise StepRefused("the assessment found a guardianship failure: decide the intervention first")


def check_placement(placement: Placement, institution: str | None) -> None:
    """Temporary guardianship names the welfare institution or rescue centre."""
    if placement in INSTITUTIONAL_PLACEMENTS and not institution:
        raise InvalidInput("institution", f"is required for {placement.value}")
