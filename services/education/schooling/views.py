"""REST steps of education support under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.agency.errors import run_step
from services.agency.referrals.schemas import Body, Label, TimedBody
from services.education.schooling import service
from services.education.schooling.service import Programme

router = APIRouter(prefix="/v1/referrals", tags=["education support"])


class SchoolContactBody(TimedBody):
    school: Label
    contacted_at: AwareDatetime | None = None


class ReturnPlanBody(Body):
    school: Label
    planned_return_date: date


class AidBody(Body):
    programme: Programme


class PsychologicalSupportBody(TimedBody):
    started_at: AwareDatetime | None = None


class FollowUpView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str
    case_id: str
    school: str | None
    contacted_at: datetime | None
    return_school: str | None
    planned_return_date: date | None
    plan_made_at: datetime | None
    psychological_support_started_at: datetime | None


class AidView(BaseModel):
    referral_id: str
    programmes: list[Programme]


@router.post("/{referral_id}/school-contact")
async def school_contact(
    referral_id: str, body: SchoolContactBody, uow: UnitOfWork = Depends(get_uow)
) -> FollowUpView:
    return await run_step(
        uow,
        lambda: service.contact_school(
            uow=uow,
            referral_id=referral_id,
            school=body.school,
            contacted_at=body.contacted_at,
            late_entry_reason=body.late_entry_reason,
        ),
        FollowUpView.model_validate,
    )


@router.post("/{referral_id}/return-plan")
async def return_plan(
    referral_id: str, body: ReturnPlanBody, uow: UnitOfWork = Depends(get_uow)
) -> FollowUpView:
    return await run_step(
        uow,
        lambda: service.plan_return(
            uow=uow,
            referral_id=referral_id,
            school=body.school,
            planned_return_date=body.planned_return_date,
        ),
        FollowUpView.model_validate,
    )


@router.post("/{referral_id}/aid")
async def aid(referral_id: str, body: AidBody, uow: UnitOfWork = Depends(get_uow)) -> AidView:
    return await run_step(
        uow,
        lambda: service.enrol_aid(uow=uow, referral_id=referral_id, programme=body.programme),
        lambda programmes: AidView(referral_id=referral_id, programmes=programmes),
    )


@router.post("/{referral_id}/psychological-support")
async def psychological_support(
    referral_id: str, body: PsychologicalSupportBody | None = None, uow: UnitOfWork = Depends(get_uow)
) -> FollowUpView:
    return await run_step(
        uow,
        lambda: service.start_psychological_support(
            uow=uow,
            referral_id=referral_id,
            started_at=body.started_at if body else None,
            late_entry_reason=body.late_entry_reason if body else None,
        ),
        FollowUpView.model_validate,
    )
