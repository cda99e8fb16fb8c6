"""Reading the clocks: lists for operations and compliance figures for supervision (督查考核)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.clock import utcnow
from backbone.web.paging import Page, PageRequest, fetch_page
from services.routing.cases.models import RoutingCase
from services.routing.deadlines.models import SlaClockRow
from sla.clock import Clock

OPEN_STATES = ("running", "paused", "breached")
STOPPED_BY_AGENCY = ("met", "met_late")


class ClockFilterState(StrEnum):
    RUNNING = "running"  # running, no warning yet
    WARNING = "warning"  # still open, past a warning point
    PAUSED = "paused"
    BREACHED = "breached"  # past due and not stopped
    MET = "met"  # stopped on time
    MET_LATE = "met_late"  # stopped after the due time
    CANCELLED = "cancelled"  # the case closed first


class PauseView(BaseModel):
    started_at: datetime = Field(description="When the pause began")
    ended_at: datetime | None = Field(description="When the clock resumed; null while paused")
    reason: str = Field(description="Why the clock waited")


class ClockView(BaseModel):
    id: str = Field(description="The clock's id, for pause and resume")
    clock: str = Field(
        description="Which obligation, as the deadline policy names it, e.g. police.first_dispatch",
    )
    agency: str = Field(description="The agency answerable for it")
    case_id: str = Field(description="The case the deadline belongs to")
    subject_id: str = Field(description="What the clock runs on: a referral id, or the case id")
    state: str = Field(
        description="running, paused, breached (past due, not stopped), met, met_late or cancelled",
    )
    warned: bool = Field(description="Whether it has passed a warning point of its target")
    priority: str | None = Field(
        description="The case priority the target was taken for, when it depends on one",
    )
    started_at: datetime = Field(description="When the starting event happened")
    due_at: datetime | None = Field(description="When it falls due (paused time not counted)")
    due_provisional: bool = Field(
        description="The due time counts Monday-Friday over a year the holiday calendar has no file for; "
        "it is recomputed when that year's file is loaded"
    )
    stopped_at: datetime | None = Field(description="When the stopping event happened")
    late_by_seconds: float = Field(description="How far past due it is or was stopped; 0 when on time")
    escalated_at: datetime | None = Field(description="When it reached the joint meeting office")
    escalated_to: str | None = Field(
        default=None,
        description="Who the latest escalation past the breach alerted, e.g. joint_meeting_office",
    )
    policy_version: str = Field(description="The deadline policy version that set the target, e.g. sla.v1")
    alerts_fired: list[str] = Field(description="Warnings and escalations already sent, by kind")
    pauses: list[PauseView] = Field(description="Every pause, oldest first")
    district: str | None = Field(default=None, description="The case's district (six-digit division code)")


class AgencyCompliance(BaseModel):
    agency: str = Field(description="The agency the figures are for")
    clocks: int = Field(description="Deadlines started in the period")
    open: int = Field(description="Still running, paused or breached")
    met_on_time: int = Field(description="Stopped by the agency before the due time")
    met_late: int = Field(description="Stopped by the agency after the due time")
    breached_open: int = Field(description="Past due and still not stopped")
    cancelled: int = Field(description="Ended without a response: the case closed or the referral went on")
    on_time_rate: float | None = Field(
        description="met_on_time / (met_on_time + met_late); null when none stopped",
    )
    median_seconds_to_stop: float | None = Field(description="Over clocks met on time or late only")
    p90_seconds_to_stop: float | None = Field(description="Over clocks met on time or late only")


def clock_view(row: SlaClockRow, *, now: datetime) -> ClockView:
    """What operators see of one clock."""
    clock = row.domain()
    return ClockView(
        id=row.id,
        clock=row.clock,
        agency=row.agency,
        case_id=row.case_id,
        subject_id=row.subject_id,
        state=row.state,
        warned=row.warned,
        priority=clock.priority,
        started_at=row.started_at,
        due_at=row.due_at,
        due_provisional=row.due_provisional,
        stopped_at=row.stopped_at,
        late_by_seconds=clock.lateness(now).total_seconds(),
        escalated_at=row.escalated_at,
        escalated_to=escalated_to(clock, fired=row.fired),
        policy_version=row.policy_version,
        alerts_fired=list(row.fired),
        pauses=[
            PauseView(started_at=p.started_at, ended_at=p.ended_at, reason=p.reason) for p in clock.pauses
        ],
    )


def escalated_to(clock: Clock, *, fired: Sequence[str]) -> str | None:
    """Who the latest escalation fired after the breach alerted (the one at the due time is the breach's
    own alert, to the agency's supervisor)."""
    levels = [
        checkpoint.notify
        for checkpoint in clock.checkpoints()
        if checkpoint.kind in fired
        and checkpoint.kind.startswith("escalation")
        and checkpoint.fire_at != clock.due_at
    ]
    return levels[-1] if levels else None


def _filtered(
    statement: Select, *, agency: str | None, state: ClockFilterState | None, due_before: datetime | None
) -> Select:
    if agency:
        statement = statement.where(SlaClockRow.agency == agency)
    if state is ClockFilterState.RUNNING:
        statement = statement.where(SlaClockRow.state == "running", col(SlaClockRow.warned).is_(False))
    elif state is ClockFilterState.WARNING:
        statement = statement.where(
            col(SlaClockRow.state).in_(["running", "paused"]), col(SlaClockRow.warned)
        )
    elif state is not None:
        statement = statement.where(SlaClockRow.state == state.value)
    if due_before:
        statement = statement.where(col(SlaClockRow.due_at) < due_before)
    return statement


async def list_clocks(
    *,
    session: AsyncSession,
    agency: str | None = None,
    state: ClockFilterState | None = None,
    due_before: datetime | None = None,
    case_id: str | None = None,
    page: PageRequest,
    visibility: Visibility = EVERYTHING,
) -> Page[ClockView]:
    """Clocks the caller may see matching the filters, soonest due first."""
    statement = _filtered(
        select(SlaClockRow, RoutingCase.district).join(
            RoutingCase, RoutingCase.case_id == SlaClockRow.case_id, isouter=True
        ),
        agency=agency,
        state=state,
        due_before=due_before,
    )
    statement = statement.where(_visible(visibility))
    if case_id:
        statement = statement.where(SlaClockRow.case_id == case_id)
    statement = statement.order_by(col(SlaClockRow.due_at).asc().nulls_last(), SlaClockRow.id)
    rows, total = await fetch_page(session, statement, page)
    now = utcnow()
    clocks = [clock_view(row, now=now).model_copy(update={"district": district}) for row, district in rows]
    return Page[ClockView].of(clocks, total=total, page=page)


def _visible(visibility: Visibility) -> Any:
    """Clocks of cases in the caller's districts (and, for an agency, its own clocks)."""
    condition = _of_cases_in(visibility)
    if visibility.agency is not None:
        condition = and_(condition, SlaClockRow.agency == visibility.agency)
    return condition


def _of_cases_in(visibility: Visibility) -> Any:
    """Clocks of cases whose district the visibility covers."""
    in_districts = select(RoutingCase.case_id).where(district_filter(RoutingCase.district, visibility))
    return col(SlaClockRow.case_id).in_(in_districts)


async def compliance(
    *,
    session: AsyncSession,
    agency: str | None = None,
    district: str | None = None,
    since: datetime | None = None,
    page: PageRequest,
    visibility: Visibility = EVERYTHING,
) -> Page[AgencyCompliance]:
    """Per agency (of one district's cases, if given): on time, late, breached, cancelled, still open, and
    how long stopping took."""
    stopped = col(SlaClockRow.state).in_(STOPPED_BY_AGENCY)
    seconds = func.extract("epoch", SlaClockRow.stopped_at - SlaClockRow.started_at)
    counted = {
        state: func.count().filter(SlaClockRow.state == state)
        for state in ("met", "met_late", "breached", "cancelled")
    }
    statement = select(
        SlaClockRow.agency,
        func.count().label("clocks"),
        func.count().filter(col(SlaClockRow.state).in_(OPEN_STATES)).label("open"),
        *(count.label(state) for state, count in counted.items()),
        # A cancelled clock ended because its case closed or its referral went elsewhere: not a response,
        # so only clocks the agency itself stopped count towards the time to stop.
        func.percentile_cont(0.5).within_group(seconds).filter(stopped).label("median"),
        func.percentile_cont(0.9).within_group(seconds).filter(stopped).label("p90"),
    ).group_by(SlaClockRow.agency)
    statement = statement.where(_visible(visibility))
    if agency:
        statement = statement.where(SlaClockRow.agency == agency)
    if district:
        statement = statement.where(_of_cases_in(Visibility(districts=(district,))))
    if since:
        statement = statement.where(col(SlaClockRow.started_at) >= since)
    rows, total = await fetch_page(session, statement.order_by(SlaClockRow.agency), page)
    figures = [
        AgencyCompliance(
            agency=row.agency,
            clocks=row.clocks,
            open=row.open,
            met_on_time=row.met,
            met_late=row.met_late,
            breached_open=row.breached,
            cancelled=row.cancelled,
            on_time_rate=row.met / (row.met + row.met_late) if row.met + row.met_late else None,
            median_seconds_to_stop=_seconds(row.median),
            p90_seconds_to_stop=_seconds(row.p90),
        )
        for row in rows
    ]
    return Page[AgencyCompliance].of(figures, total=total, page=page)


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)
