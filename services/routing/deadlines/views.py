"""`/routing/v1/sla`: every deadline, filtered; pause and resume; compliance per agency."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from backbone.auth.guard import visibility
from backbone.auth.policy import EVERYTHING, Visibility
from backbone.clock import utcnow
from backbone.service import get_runtime, get_uow
from backbone.sla.clock import ClockError
from backbone.sla.holidays import CalendarDataError, calendar_status
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime
from backbone.web.problems import problem
from contracts.events.common import Agency
from services.routing.deadlines import service
from services.routing.deadlines.queries import (
    AgencyCompliance,
    ClockFilterState,
    ClockView,
    clock_view,
    compliance,
    list_clocks,
)
from services.routing.deadlines.timer import refresh_calendar

router = APIRouter(prefix="/v1/sla", tags=["deadlines"])
clock_page = paging(default_limit=100, max_limit=1000)
# One row per agency: a page holds them all.
compliance_page = paging(default_limit=50, max_limit=200)


class PauseClock(BaseModel):
    reason: str = Field(
        min_length=1, max_length=300, description="Why the clock waits, e.g. waiting on a court"
    )


@router.get("", response_model=Page[ClockView])
async def get_clocks(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    page: Annotated[PageRequest, Depends(clock_page)],
    agency: Agency | None = None,
    state: ClockFilterState | None = None,
    due_before: IsoDateTime | None = None,
    case_id: str | None = None,
    seen: Annotated[Visibility, Depends(visibility)] = EVERYTHING,
) -> Page[ClockView]:
    """Deadlines, soonest due first."""
    async with uow:
        return await list_clocks(
            session=uow.session,
            agency=agency,
            state=state,
            due_before=due_before,
            case_id=case_id,
            page=page,
            visibility=seen,
        )


@router.get("/compliance", response_model=Page[AgencyCompliance])
async def get_compliance(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    page: Annotated[PageRequest, Depends(compliance_page)],
    agency: Agency | None = None,
    since: IsoDateTime | None = None,
    seen: Annotated[Visibility, Depends(visibility)] = EVERYTHING,
) -> Page[AgencyCompliance]:
    """Per-agency figures for supervision: on time, late, breached, median and p90 time to stop."""
    async with uow:
        return await compliance(session=uow.session, agency=agency, since=since, page=page, visibility=seen)


class CalendarView(BaseModel):
    years: list[int] = Field(description="Years with a holiday calendar file (cn-<year>.json)")
    covered_until: date | None = Field(description="The last day covered without a gap from today")
    days_left: int | None
    warning: str | None = Field(description="Set 60 days before the calendar runs out, and once it has")
    provisional_clocks: int = Field(description="Open clocks whose due time waits on a missing year")


@router.get("/calendar", response_model=CalendarView)
async def get_calendar(uow: Annotated[UnitOfWork, Depends(get_uow)]) -> CalendarView:
    """The working-day calendar in force: which years it covers and when it runs out."""
    async with uow:
        provisional = await service.count_provisional(uow=uow)
    return CalendarView(**calendar_status(), provisional_clocks=provisional)


@router.post("/calendar/reload", response_model=CalendarView)
async def reload_calendar(request: Request, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> CalendarView:
    """Load the calendar directory again (a year's file was added) and recompute provisional due times."""
    try:
        await refresh_calendar(get_runtime(request), force=True)
    except CalendarDataError as error:
        raise HTTPException(422, str(error)) from None
    return await get_calendar(uow)


@router.post("/clocks/{clock_id}/pause", response_model=ClockView)
async def pause(clock_id: str, body: PauseClock, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> ClockView:
    """Pause a running clock with a reason."""
    return await _change(uow, lambda: service.pause_clock(uow=uow, clock_id=clock_id, reason=body.reason))


@router.post("/clocks/{clock_id}/resume", response_model=ClockView)
async def resume(clock_id: str, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> ClockView:
    """Resume a paused clock."""
    return await _change(uow, lambda: service.resume_clock(uow=uow, clock_id=clock_id))


async def _change(uow: UnitOfWork, change) -> ClockView:
    async with uow:
        try:
            row = await change()
        except service.ClockNotFound:
            raise HTTPException(404, "no such clock") from None
        except ClockError as error:
            raise HTTPException(409, str(error)) from None
        except ValueError as error:
            raise HTTPException(422, [problem(["body"], str(error), "value_error")]) from None
        view = clock_view(row, now=utcnow())
        await uow.commit()
    return view
