"""`GET /{agency}/v1/sla`: the agency's own deadlines."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from backbone.auth.guard import visibility
from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, fetch_page, paging
from backbone.web.params import IsoDateTime
from services.agency.deadlines.models import AgencySlaClock
from services.agency.referrals.models import AgencyReferral


class AgencyClockView(BaseModel):
    clock: str = Field(
        description="Which obligation, as the deadline policy names it, e.g. police.first_dispatch"
    )
    subject_id: str = Field(description="What the clock runs on: a referral id, or the case id")
    case_id: str = Field(description="The case the deadline belongs to")
    state: str = Field(description="running, breached (past due, not stopped), met, met_late or cancelled")
    warned: bool = Field(description="Whether it has passed a warning point of its target")
    started_at: datetime = Field(description="When the starting event happened")
    due_at: datetime | None = Field(description="When it falls due; null while unknown")
    due_provisional: bool = Field(
        description="Counted Monday-Friday over a year the holiday calendar has no file for yet"
    )
    stopped_at: datetime | None = Field(description="When the stopping event happened")
    breached_at: datetime | None = Field(description="When it fell due without being stopped")
    escalated_to: str | None = Field(
        description="Who was alerted: the agency's supervisor or the joint meeting office"
    )
    paused_at: datetime | None = Field(default=None, description="When the referral's hold paused it")
    policy_version: str = Field(description="The deadline policy version that set the target, e.g. sla.v1")


def deadlines_router() -> APIRouter:
    """The agency's deadline list, soonest due first."""
    router = APIRouter(prefix="/v1/sla", tags=["deadlines"])

    @router.get(
        "",
        response_model=Page[AgencyClockView],
        summary="List the agency's deadlines",
        description="The deadline clocks of this agency's referrals in the caller's districts, soonest due "
        "first: acceptance (受理), the police's first-moment dispatch (第一时间出警) and arrival, admission, "
        "the school follow-up, assessment, ... Filter by state or due_before; reading changes nothing.",
    )
    async def list_deadlines(
        uow: Annotated[UnitOfWork, Depends(get_uow)],
        page: Annotated[PageRequest, Depends(paging(default_limit=100, max_limit=1000))],
        state: Literal["running", "paused", "warning", "breached", "met", "met_late", "cancelled"]
        | None = None,
        due_before: IsoDateTime | None = None,
        seen: Annotated[Visibility, Depends(visibility)] = EVERYTHING,
    ) -> Page[AgencyClockView]:
        """This agency's deadlines in the caller's districts: running, warned, breached or met."""
        in_districts = select(AgencyReferral.case_id).where(district_filter(AgencyReferral.district, seen))
        statement = select(AgencySlaClock).where(col(AgencySlaClock.case_id).in_(in_districts))
        if state == "warning":
            statement = statement.where(AgencySlaClock.state == "running", col(AgencySlaClock.warned))
        elif state is not None:
            statement = statement.where(AgencySlaClock.state == state)
        if due_before is not None:
            statement = statement.where(col(AgencySlaClock.due_at) < due_before)
        statement = statement.order_by(col(AgencySlaClock.due_at).asc().nulls_last(), AgencySlaClock.id)
        async with uow:
            rows, total = await fetch_page(uow.session, statement, page)
            clocks = [AgencyClockView.model_validate(row, from_attributes=True) for row in rows]
        return Page[AgencyClockView].of(clocks, total=total, page=page)

    return router
