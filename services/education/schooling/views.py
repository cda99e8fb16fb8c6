"""REST steps of education support under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from backbone.clock import utcnow
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.agency.errors import STEP_REFUSALS, run_step
from services.agency.referrals.schemas import Body, Label, TimedBody
from services.education.schooling import service
from services.education.schooling.service import LOCAL_ZONE, Programme

router = APIRouter(prefix="/v1/referrals", tags=["education support"])


def _next_school_year(schema: dict[str, Any]) -> None:
    # The example must stay a date a plan may name (not in the past): the next autumn term's start.
    today = utcnow().astimezone(LOCAL_ZONE).date()
    start = date(today.year + (today >= date(today.year, 9, 1)), 9, 1)
    schema["examples"] = [{"school": "城关镇第一中学", "planned_return_date": start.isoformat()}]


class SchoolContactBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"school": "城关镇第一中学"}]})

    school: Label = Field(description="The school that contacted the child and family")
    contacted_at: AwareDatetime | None = Field(
        default=None,
        description="When the school made contact; default now",
    )


class ReturnPlanBody(Body):
    model_config = ConfigDict(json_schema_extra=_next_school_year)

    school: Label = Field(description="The school the child returns to")
    planned_return_date: date = Field(description="The day the child is to be back in class; not in the past")


class AidBody(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"programme": "fee_waiver"}]})

    programme: Programme = Field(description="The school aid: fee_waiver, grant or living_subsidy; each once")


class PsychologicalSupportBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{}]})

    started_at: AwareDatetime | None = Field(
        default=None, description="When the school's psychological support began; default now"
    )


class FollowUpView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str = Field(description="The education referral")
    case_id: str = Field(description="The case (个案) of the referral")
    school: str | None = Field(description="The school that contacted the child and family")
    contacted_at: datetime | None = Field(description="When it did: this stopped `education.follow_up`")
    return_school: str | None = Field(description="The school of the return-to-school plan")
    planned_return_date: date | None = Field(description="The day the child is to be back in class")
    plan_made_at: datetime | None = Field(
        description="When the plan was made: this stopped `education.return_plan`",
    )
    psychological_support_started_at: datetime | None = Field(
        description="When the school's psychological support began"
    )


class AidView(BaseModel):
    referral_id: str = Field(description="The education referral")
    programmes: list[Programme] = Field(description="Every aid programme the child is enrolled in")


@router.post(
    "/{referral_id}/school-contact",
    summary="Record the school's contact with the child and family",
    description="The first step of keeping the child in school (控辍保学) on an accepted referral: the "
    "school "
    "has reached the child and family. `education.school_contacted` stops the `education.follow_up` "
    "deadline (3 working days from acceptance). Recorded once.",
    responses=STEP_REFUSALS,
)
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


@router.post(
    "/{referral_id}/return-plan",
    summary="Make the return-to-school plan",
    description="After the school's contact: which school the child returns to and when. "
    "`education.return_plan_made` stops the `education.return_plan` deadline. Made once; the date may not "
    "be in the past.",
    responses=STEP_REFUSALS,
)
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


@router.post(
    "/{referral_id}/aid",
    summary="Enrol the child in a school aid programme",
    description="School aid for the child on an accepted referral: a fee waiver, a grant or a living "
    "subsidy (`education.aid_enrolled`); each programme once. The answer lists every programme enrolled. "
    "Starts or stops no deadline.",
    responses=STEP_REFUSALS,
)
async def aid(referral_id: str, body: AidBody, uow: UnitOfWork = Depends(get_uow)) -> AidView:
    return await run_step(
        uow,
        lambda: service.enrol_aid(uow=uow, referral_id=referral_id, programme=body.programme),
        lambda programmes: AidView(referral_id=referral_id, programmes=programmes),
    )


@router.post(
    "/{referral_id}/psychological-support",
    summary="Record the start of school psychological support",
    description="The school's psychological support for the child began "
    "(`education.psychological_support_started`); recorded once, the body optional (without a time, now). "
    "Starts or stops no deadline.",
    responses=STEP_REFUSALS,
)
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
