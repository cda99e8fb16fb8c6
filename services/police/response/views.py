"""REST steps of an emergency response: `/v1/referrals/{id}/dispatch`, `/arrive`, `/resolve`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from contracts.events.police import PoliceOutcome
from services.agency.errors import run_step
from services.agency.referrals.schemas import Label, StaffName, TimedBody
from services.police.response import service
from services.police.response.models import PoliceResponse
from services.police.response.rules import Stage, stage_of

router = APIRouter(prefix="/v1/referrals", tags=["emergency response"])


class DispatchBody(TimedBody):
    unit: Label
    dispatched_at: AwareDatetime | None = None
    officer: StaffName | None = None


class ArriveBody(TimedBody):
    arrived_at: AwareDatetime | None = None


class ResolveBody(TimedBody):
    outcome: PoliceOutcome
    injury_found: bool
    criminal_case_number: Label | None = None
    resolved_at: AwareDatetime | None = None


class ResponseView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str
    case_id: str
    unit: str
    stage: Stage
    dispatched_at: datetime
    arrived_at: datetime | None
    resolved_at: datetime | None
    outcome: PoliceOutcome | None
    injury_found: bool | None
    criminal_case_number: str | None


def _view(response: PoliceResponse) -> ResponseView:
    stage = stage_of(
        dispatched_at=response.dispatched_at, arrived_at=response.arrived_at, resolved_at=response.resolved_at
    )
    return ResponseView.model_validate({**response.model_dump(), "stage": stage})


@router.get("/{referral_id}/response")
async def show_response(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> ResponseView:
    return await run_step(
        uow, lambda: service.get_response(uow=uow, referral_id=referral_id), _view, commit=False
    )


@router.post("/{referral_id}/dispatch")
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


@router.post("/{referral_id}/arrive")
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


@router.post("/{referral_id}/resolve")
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
