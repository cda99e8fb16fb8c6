"""`/routing/v1/sla`: every deadline, filtered; pause and resume; compliance per agency."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from backbone.auth.guard import visibility
from backbone.auth.policy import EVERYTHING, Visibility
from backbone.clock import utcnow
from backbone.service import get_runtime, get_uow
from backbone.uow import UnitOfWork
from backbone.web.paging import Page, PageRequest, paging
from backbone.web.params import IsoDateTime
from backbone.web.problems import ErrorMessage, problem
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
from sla.clock import ClockError
from sla.holidays import CalendarDataError, calendar_status

router = APIRouter(prefix="/v1/sla", tags=["deadlines"])
clock_page = paging(default_limit=100, max_limit=1000)
# One row per agency: a page holds them all.
compliance_page = paging(default_limit=50, max_limit=200)
CLOCK_REFUSALS = {
    404: {"model": ErrorMessage, "description": "No clock with this id"},
    409: {"model": ErrorMessage, "description": "The clock's state does not allow it; nothing changed"},
}


class PauseClock(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Waiting on the court's hearing of the guardianship case"}]
        }
    )

    reason: str = Field(
        min_length=1, max_length=300, description="Why the clock waits, e.g. waiting on a court"
    )


@router.get(
    "",
    response_model=Page[ClockView],
    summary="List deadlines",
    description="Every deadline clock in the caller's districts (an agency sees its own), soonest due "
    "first: the police's first-moment dispatch (第一时间出警) and arrival, acceptance (受理), admission, "
    "assessment, guardianship decision, placement, school follow-up, reporter feedback, child director "
    "visits. Filter by agency, state (running, warning, paused, breached, met, met_late, cancelled), "
    "due_before or case.",
)
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


@router.get(
    "/compliance",
    response_model=Page[AgencyCompliance],
    summary="Read compliance per agency (督查考核)",
    description="For supervisors and operations: per agency, deadlines met on time, met late, breached and "
    "still open, cancelled, the on-time rate and the median and 90th-percentile time to stop, over clocks "
    "started since a time, in the caller's districts.",
)
async def get_compliance(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    page: Annotated[PageRequest, Depends(compliance_page)],
    agency: Agency | None = None,
    district: Annotated[
        str | None,
        Query(pattern=r"^\d{6}$", description="Only cases in this division; a city code covers its counties"),
    ] = None,
    since: IsoDateTime | None = None,
    seen: Annotated[Visibility, Depends(visibility)] = EVERYTHING,
) -> Page[AgencyCompliance]:
    """Per-agency figures for supervision: on time, late, breached, median and p90 time to stop."""
    async with uow:
        return await compliance(
            session=uow.session, agency=agency, district=district, since=since, page=page, visibility=seen
        )


class CalendarView(BaseModel):
    years: list[int] = Field(description="Years with a holiday calendar file (cn-<year>.json)")
    covered_until: date | None = Field(description="The last day covered without a gap from today")
    days_left: int | None = Field(description="Days from today to covered_until")
    warning: str | None = Field(description="Set 60 days before the calendar runs out, and once it has")
    provisional_clocks: int = Field(description="Open clocks whose due time waits on a missing year")


@router.get(
    "/calendar",
    response_model=CalendarView,
    summary="Read the working-day calendar in force",
    description="Which years have a public-holiday calendar file (调休 included), how long it covers without "
    "a gap, a warning from 60 days before it runs out, and how many open deadlines wait on a missing year "
    "(their due times are provisional).",
)
async def get_calendar(uow: Annotated[UnitOfWork, Depends(get_uow)]) -> CalendarView:
    """The working-day calendar in force: which years it covers and when it runs out."""
    async with uow:
        provisional = await service.count_provisional(uow=uow)
    return CalendarView(**calendar_status(), provisional_clocks=provisional)


@router.post(
    "/calendar/reload",
    response_model=CalendarView,
    summary="Load the holiday calendar files again",
    description="After a city adds next year's `cn-<year>.json` (the State Council publishes the dates in "
    "November): load the directory again and recompute provisional due times. Joint meeting office and "
    "civil affairs supervisors. 422 when a file is malformed; the calendar in force is kept.",
)
async def reload_calendar(request: Request, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> CalendarView:
    """Load the calendar directory again (a year's file was added) and recompute provisional due times."""
    try:
        await refresh_calendar(get_runtime(request), force=True)
    except CalendarDataError as error:
        raise HTTPException(422, [problem(["calendar"], str(error), "calendar_invalid")]) from None
    return await get_calendar(uow)


@router.post(
    "/clocks/{clock_id}/pause",
    response_model=ClockView,
    summary="Pause a deadline",
    description="A supervisor stops a running clock with a reason, e.g. while waiting on a court; the "
    "paused time does not count towards the due time. Only a running clock not yet due can be paused.",
    responses=CLOCK_REFUSALS,
)
async def pause(clock_id: str, body: PauseClock, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> ClockView:
    """Pause a running clock with a reason."""
    return await _change(uow, lambda: service.pause_clock(uow=uow, clock_id=clock_id, reason=body.reason))


@router.post(
    "/clocks/{clock_id}/resume",
    response_model=ClockView,
    summary="Resume a paused deadline",
    description="A supervisor restarts a paused clock; its due time moves by the time it was paused. "
    "Only a paused clock can be resumed.",
    responses=CLOCK_REFUSALS,
)
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
