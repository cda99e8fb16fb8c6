"""REST steps of civil affairs casework under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from backbone.auth.guard import Access, current_access
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from contracts.events.civil_affairs import AssistanceMeasure, Intervention, Placement
from services.agency.errors import run_step
from services.agency.referrals.schemas import Body, Label, StaffName, Text500, TimedBody
from services.civil_affairs.casework import follow_up, service

router = APIRouter(prefix="/v1/referrals", tags=["casework"])


class AssessmentBody(TimedBody):
    safety: Literal["safe", "at_risk", "in_danger"]
    guardianship: Literal["adequate", "inadequate", "absent", "harmful"]
    needs: list[AssistanceMeasure] = Field(default_factory=list)
    completed_at: AwareDatetime | None = None


class AssistancePlanBody(Body):
    measures: list[AssistanceMeasure] = Field(min_length=1)


class InterventionBody(TimedBody):
    decision: Intervention
    decided_at: AwareDatetime | None = None


class PlacementBody(TimedBody):
    placement: Placement
    institution: Label | None = None
    placed_at: AwareDatetime | None = None


class MonitoringBody(TimedBody):
    started_at: AwareDatetime | None = None


class VisitBody(TimedBody):
    child_safe: bool
    child_director: StaffName | None = None
    visited_at: AwareDatetime | None = None


class InformReporterBody(Body):
    message: Text500


class CloseCaseBody(Body):
    outcome: Text500


class CaseFileView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str
    case_id: str
    safety: str | None
    guardianship: str | None
    guardianship_failure: bool | None
    needs: list[str] | None
    assessed_at: datetime | None
    measures: list[str] | None
    planned_at: datetime | None
    intervention: str | None
    intervention_decided_at: datetime | None
    placement: str | None
    institution: str | None
    placed_at: datetime | None
    monitoring_started_at: datetime | None
    last_visit_at: datetime | None
    reporter_informed_at: datetime | None
    close_outcome: str | None
    closed_at: datetime | None


class VisitView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    visit_id: str
    referral_id: str
    child_director: str | None
    child_safe: bool
    visited_at: datetime


@router.get("/{referral_id}/case-file")
async def show_case_file(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.get_case_file(uow=uow, referral_id=referral_id),
        CaseFileView.model_validate,
        commit=False,
    )


@router.post("/{referral_id}/assessment")
async def assessment(
    referral_id: str, body: AssessmentBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.assess(
            uow=uow,
            referral_id=referral_id,
            safety=body.safety,
            guardianship=body.guardianship,
            needs=body.needs,
            completed_at=body.completed_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/assistance-plan")
async def assistance_plan(
    referral_id: str, body: AssistancePlanBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.plan_assistance(uow=uow, referral_id=referral_id, measures=body.measures),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/intervention")
async def intervention(
    referral_id: str, body: InterventionBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.decide_intervention(
            uow=uow,
            referral_id=referral_id,
            intervention=body.decision,
            decided_at=body.decided_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/placement")
async def placement(
    referral_id: str, body: PlacementBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.record_placement(
            uow=uow,
            referral_id=referral_id,
            placement=body.placement,
            institution=body.institution,
            placed_at=body.placed_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/monitoring")
async def monitoring(
    referral_id: str, body: MonitoringBody | None = None, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    started_at, late_entry_reason = (body.started_at, body.late_entry_reason) if body else (None, None)
    return await run_step(
        uow,
        lambda: follow_up.start_monitoring(
            uow=uow, referral_id=referral_id, started_at=started_at, late_entry_reason=late_entry_reason
        ),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/visits", status_code=201)
async def visits(referral_id: str, body: VisitBody, uow: UnitOfWork = Depends(get_uow)) -> VisitView:
    return await run_step(
        uow,
        lambda: follow_up.log_visit(
            uow=uow,
            referral_id=referral_id,
            child_safe=body.child_safe,
            child_director=body.child_director,
            visited_at=body.visited_at,
            late_entry_reason=body.late_entry_reason,
        ),
        VisitView.model_validate,
    )


@router.post("/{referral_id}/inform-reporter")
async def inform_reporter(
    referral_id: str, body: InformReporterBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: follow_up.inform_reporter(uow=uow, referral_id=referral_id, message=body.message),
        CaseFileView.model_validate,
    )


@router.post("/{referral_id}/close-case")
async def close_case(
    referral_id: str,
    body: CloseCaseBody,
    uow: UnitOfWork = Depends(get_uow),
    access: Access = Depends(current_access),
) -> CaseFileView:
    """Close the case (lead agency); while an emergency referral is open, only a supervisor may."""
    return await run_step(
        uow,
        lambda: follow_up.close_case(
            uow=uow,
            referral_id=referral_id,
            outcome=body.outcome,
            despite_open_emergency=access.may("close_with_open_emergency"),
        ),
        CaseFileView.model_validate,
    )
