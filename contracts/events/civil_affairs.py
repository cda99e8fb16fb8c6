"""Events published by civil affairs: assessment, assistance, guardianship intervention, closing."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event


class AssistanceMeasure(StrEnum):
    LIVING_ALLOWANCE = "living_allowance"
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"  # 低保
    TEMPORARY_RELIEF = "temporary_relief"
    MEDICAL_AID = "medical_aid"
    REHABILITATION = "rehabilitation"
    SCHOOLING_AID = "schooling_aid"
    PSYCHOLOGICAL_CARE = "psychological_care"
    LEGAL_AID = "legal_aid"


class Placement(StrEnum):
    TEMPORARY_GUARDIANSHIP_WELFARE_INSTITUTION = "temporary_guardianship_welfare_institution"
    TEMPORARY_GUARDIANSHIP_RESCUE_CENTRE = "temporary_guardianship_rescue_centre"
    KINSHIP = "kinship"
    FOSTER = "foster"


class Intervention(StrEnum):
    TEMPORARY_GUARDIANSHIP = "temporary_guardianship"
    KINSHIP_PLACEMENT = "kinship_placement"
    FOSTER_PLACEMENT = "foster_placement"
    COURT_REVOCATION_APPLICATION = "court_revocation_application"
    LONG_TERM_STATE_GUARDIANSHIP = "long_term_state_guardianship"
    NO_INTERVENTION = "no_intervention"


class AssessmentCompleted(Event):
    """The assessment (评估) of safety, guardianship and needs; a guardianship failure starts a clock."""

    TYPE = "civil_affairs.assessment_completed.v1"

    referral_id: str
    case_id: str
    safety: Literal["safe", "at_risk", "in_danger"]
    guardianship: Literal["adequate", "inadequate", "absent", "harmful"]
    guardianship_failure: bool
    needs: list[AssistanceMeasure]
    completed_at: AwareDatetime


class AssistancePlanned(Event):
    """The assistance plan (帮扶): which supports child and family are enrolled in."""

    TYPE = "civil_affairs.assistance_planned.v1"

    referral_id: str
    case_id: str
    measures: list[AssistanceMeasure] = Field(min_length=1)
    planned_at: AwareDatetime


class PlacementRecorded(Event):
    """The child was placed in temporary guardianship or with relatives or foster carers (临时监护)."""

    TYPE = "civil_affairs.placement_recorded.v1"

    referral_id: str
    case_id: str
    placement: Placement
    institution: str | None = None
    placed_at: AwareDatetime


class InterventionDecided(Event):
    """Guardianship intervention (监护干预) was decided."""

    TYPE = "civil_affairs.intervention_decided.v1"

    referral_id: str
    case_id: str
    intervention: Intervention
    decided_at: AwareDatetime


class MonitoringStarted(Event):
    """The case is under monitoring: the child director visits monthly."""

    TYPE = "civil_affairs.monitoring_started.v1"

    referral_id: str
    case_id: str
    started_at: AwareDatetime


class VisitLogged(Event):
    """A child director's (儿童主任) home visit."""

    TYPE = "civil_affairs.visit_logged.v1"

    referral_id: str
    case_id: str
    child_safe: bool
    visited_at: AwareDatetime


class ReporterInformed(Event):
    """Civil affairs decided what the reporter is told of the outcome; intake passes it on."""

    TYPE = "civil_affairs.reporter_informed.v1"

    referral_id: str
    case_id: str
    message: str = Field(
        min_length=1, max_length=500, description="What the reporter is told; no personal data"
    )
    informed_at: AwareDatetime


class CaseClosed(Event):
    """The joint meeting office closed the case."""

    TYPE = "civil_affairs.case_closed.v1"

    referral_id: str
    case_id: str
    outcome: str = Field(min_length=1, max_length=500)
    closed_at: AwareDatetime


class ApprovalKind(StrEnum):
    CLOSE_CASE = "close_case"  # closing while other agencies' referrals of the case are still open
    COURT_REVOCATION_APPLICATION = "court_revocation_application"  # 监护干预: ask the court to revoke


class ApprovalRequested(Event):
    """Civil affairs asks a supervisor of the case's district to approve a step it may not take alone."""

    TYPE = "civil_affairs.approval_requested.v1"

    approval_id: str
    referral_id: str
    case_id: str
    kind: ApprovalKind
    reason: str = Field(min_length=1, max_length=500, description="Why the step is needed (free text)")
    requested_at: AwareDatetime


class ApprovalDecided(Event):
    """A supervisor approved (and so took) or rejected a requested step."""

    TYPE = "civil_affairs.approval_decided.v1"

    approval_id: str
    referral_id: str
    case_id: str
    kind: ApprovalKind
    approved: bool
    decided_by: str = Field(
        description="The deciding supervisor's agency and role, e.g. civil_affairs.supervisor"
    )
    note: str | None = Field(default=None, max_length=500, description="The supervisor's note (free text)")
    decided_at: AwareDatetime


for _model in (
    AssessmentCompleted,
    AssistancePlanned,
    PlacementRecorded,
    InterventionDecided,
    VisitLogged,
    ApprovalRequested,
    ApprovalDecided,
):
    CATALOGUE.register(_model, publishers=("civil_affairs",), consumers=("routing",))
# Intake shows each report's case status as routing keeps it (open, under monitoring, closed).
CATALOGUE.register(MonitoringStarted, publishers=("civil_affairs",), consumers=("routing", "intake"))
CATALOGUE.register(ReporterInformed, publishers=("civil_affairs",), consumers=("routing", "intake"))
# Routing cancels the case's open clocks; intake shows the case closed.
CATALOGUE.register(CaseClosed, publishers=("civil_affairs",), consumers=("routing", "intake"))
