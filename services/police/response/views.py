"""REST steps of an emergency response: `/v1/referrals/{id}/dispatch`, `/arrive`, `/resolve`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from contracts.events.police import PoliceOutcome
from services.agency.errors import STEP_REFUSALS, UNKNOWN_REFERRAL, run_step
from services.agency.referrals.schemas import Label, StaffName, TimedBody
from services.police.response import service
from services.police.response.models import PoliceResponse
from services.police.response.rules import Stage, stage_of

router = APIRouter(prefix="/v1/referrals", tags=["emergency response"])


class DispatchBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"unit": "城关派出所 巡逻二组", "officer": "王警官 (警号 020311)"}]}
    )

    unit: Label = Field(description="The unit sent, as the dispatch system names it (not a person)")
    dispatched_at: AwareDatetime | None = Field(
        default=None, description="When the dispatch system sent it; default now"
    )
    officer: StaffName | None = Field(default=None, description="Who dispatched: a staff id or a name")


class ArriveBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{}]})

    arrived_at: AwareDatetime | None = Field(
        default=None, description="When the unit reached the scene; default now, not before dispatch"
    )


class ResolveBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "escorted_to_relatives", "injury_found": False}]}
    )

    outcome: PoliceOutcome = Field(
        description="How the scene ended; escorted_to_temporary_care starts civil affairs' placement deadline"
    )
    injury_found: bool = Field(
        description="Whether the child was found injured (may raise the case's priority)",
    )
    criminal_case_number: Label | None = Field(
        default=None, description="The police's criminal case number, when one was opened"
    )
    resolved_at: AwareDatetime | None = Field(
        default=None, description="When the scene was resolved; default now, not before arrival"
    )


class ResponseView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str = Field(description="The police referral the response answers")
    case_id: str = Field(description="The case (个案) of the referral")
    unit: str = Field(description="The unit dispatched")
    stage: Stage = Field(description="not_dispatched, dispatched, arrived or resolved")
    dispatched_at: datetime = Field(description="When the unit was dispatched (第一时间出警)")
    arrived_at: datetime | None = Field(description="When it reached the scene")
    resolved_at: datetime | None = Field(description="When the scene was resolved")
    outcome: PoliceOutcome | None = Field(description="How the scene ended")
    injury_found: bool | None = Field(description="Whether the child was found injured")
    criminal_case_number: str | None = Field(description="The criminal case number, when one was opened")


def _view(response: PoliceResponse) -> ResponseView:
    stage = stage_of(
        dispatched_at=response.dispatched_at, arrived_at=response.arrived_at, resolved_at=response.resolved_at
    )
    return ResponseView.model_validate({**response.model_dump(), "stage": stage})


@router.get(
    "/{referral_id}/response",
    summary="Read the emergency response to a referral",
    description="The response of the police unit sent to this referral: which unit, its stage and the time "
    "of each step, the outcome. 404 until a unit has been dispatched.",
    responses=UNKNOWN_REFERRAL,
)
async def show_response(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> ResponseView:
    return await run_step(
        uow, lambda: service.get_response(uow=uow, referral_id=referral_id), _view, commit=False
    )


@router.post(
    "/{referral_id}/dispatch",
    summary="Dispatch a unit at the first moment (第一时间出警)",
    description="The police send a unit to the child: `police.dispatched` stops the `police.first_dispatch` "
    "deadline and starts `police.arrival` (target by area). An emergency or P1 referral still pending is "
    "accepted (受理) on the spot at the dispatch time, so dispatch never waits for paperwork; any other "
    "must be accepted first. One dispatch per referral.",
    responses=STEP_REFUSALS,
)
async def dispatch(referral_id: str, body: DispatchBody, uow: UnitOfWork = Depends(get_uow)) -> ResponseView:
    return await run_step(
        uow,
        lambda: service.dispatch(
            uow=uow,
            referral_id=referral_id,
            unit=body.unit,
            dispatched_at=body.dispatched_at,
            late_entry_reason=body.late_entry_reason,
            officer=body.officer,
        ),
        _view,
    )


@router.post(
    "/{referral_id}/arrive",
    summary="Record the unit's arrival on the scene",
    description="The dispatched unit is with the child: `police.arrived` stops the `police.arrival` "
    "deadline. The body is optional; without a time, now.",
    responses=STEP_REFUSALS,
)
async def arrive(
    referral_id: str, body: ArriveBody | None = None, uow: UnitOfWork = Depends(get_uow)
) -> ResponseView:
    return await run_step(
        uow,
        lambda: service.arrive(
            uow=uow,
            referral_id=referral_id,
            arrived_at=body.arrived_at if body else None,
            late_entry_reason=body.late_entry_reason if body else None,
        ),
        _view,
    )


@router.post(
    "/{referral_id}/resolve",
    summary="Record how the scene was resolved",
    description="The outcome of the emergency response (应急处置): `police.resolved` goes to routing, which "
    "may raise the case's priority or refer onwards (an injury to health; escorted_to_temporary_care starts "
    "civil affairs' `civil_affairs.placement` deadline). After this the police may complete the referral.",
    responses=STEP_REFUSALS,
)
async def resolve(referral_id: str, body: ResolveBody, uow: UnitOfWork = Depends(get_uow)) -> ResponseView:
    return await run_step(
        uow,
        lambda: service.resolve(
            uow=uow,
            referral_id=referral_id,
            outcome=body.outcome,
            injury_found=body.injury_found,
            criminal_case_number=body.criminal_case_number,
            resolved_at=body.resolved_at,
            late_entry_reason=body.late_entry_reason,
        ),
        _view,
    )
