"""Reading the clocks: lists for operations and compliance figures for supervision (督查考核)."""

from __future__ import annotations

import statistics
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.clock import utcnow
from services.routing.cases.models import RoutingCase
from services.routing.deadlines.models import SlaClockRow


class ClockFilterState(StrEnum):
    RUNNING = "running"  # running, no warning yet
    WARNING = "warning"  # still open, past a warning point
    PAUSED = "paused"
    BREACHED = "breached"  # past due and not stopped
    MET = "met"  # stopped on time
    MET_LATE = "met_late"  # stopped after the due time
    CANCELLED = "cancelled"  # the case closed first


class ClockView(BaseModel):
    id: str
    clock: str
    agency: str
    case_id: str
    subject_id: str
    state: str
    warned: bool
    priority: str | None
    started_at: datetime
    due_at: datetime | None
    stopped_at: datetime | None
    late_by_seconds: float
    policy_version: str
    alerts_fired: list[str]
    pauses: list[dict]


class AgencyCompliance(BaseModel):
    agency: str
    clocks: int
    open: int
    met_on_time: int
    met_late: int
    breached_open: int
    on_time_rate: float | None
    median_seconds_to_stop: float | None
    p90_seconds_to_stop: float | None


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
        stopped_at=row.stopped_at,
        late_by_seconds=clock.lateness(now).total_seconds(),
        policy_version=row.policy_version,
        alerts_fired=list(row.fired),
        pauses=[
            {"started_at": p.started_at, "ended_at": p.ended_at, "reason": p.reason} for p in clock.pauses
        ],
    )


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
    limit: int = 100,
    offset: int = 0,
    visibility: Visibility = EVERYTHING,
) -> list[ClockView]:
    """Clocks the caller may see matching the filters, soonest due first."""
    statement = _filtered(select(SlaClockRow), agency=agency, state=state, due_before=due_before)
    statement = statement.where(_visible(visibility))
    if case_id:
        statement = statement.where(SlaClockRow.case_id == case_id)
    statement = statement.order_by(col(SlaClockRow.due_at).asc().nulls_last(), SlaClockRow.id)
    rows = (await session.execute(statement.limit(limit).offset(offset))).scalars()
    now = utcnow()
    return [clock_view(row, now=now) for row in rows]


def _visible(visibility: Visibility) -> Any:
    """Clocks of cases in the caller's districts (and, for an agency, its own clocks)."""
    in_districts = select(RoutingCase.case_id).where(district_filter(RoutingCase.district, visibility))
    condition = col(SlaClockRow.case_id).in_(in_districts)
    if visibility.agency is not None:
        condition = and_(condition, SlaClockRow.agency == visibility.agency)
    return condition


async def compliance(
    *,
    session: AsyncSession,
    agency: str | None = None,
    since: datetime | None = None,
    visibility: Visibility = EVERYTHING,
) -> list[AgencyCompliance]:
    """Per agency: met on time, late, breached and still open, and how long stopping took."""
    statement = select(SlaClockRow.agency, SlaClockRow.state, SlaClockRow.started_at, SlaClockRow.stopped_at)
    statement = statement.where(_visible(visibility))
    if agency:
        statement = statement.where(SlaClockRow.agency == agency)
    if since:
        statement = statement.where(col(SlaClockRow.started_at) >= since)
    by_agency: dict[str, list] = {}
    for row in (await session.execute(statement)).all():
        by_agency.setdefault(row.agency, []).append(row)
    return [_figures(name, rows) for name, rows in sorted(by_agency.items())]


def _figures(agency: str, rows: list) -> AgencyCompliance:
    durations = sorted(
        (r.stopped_at - r.started_at).total_seconds() for r in rows if r.stopped_at is not None
    )
    met = sum(r.state == "met" for r in rows)
    late = sum(r.state == "met_late" for r in rows)
    return AgencyCompliance(
        agency=agency,
        clocks=len(rows),
        open=sum(r.state in ("running", "paused", "breached") for r in rows),
        met_on_time=met,
        met_late=late,
        breached_open=sum(r.state == "breached" for r in rows),
        on_time_rate=met / (met + late) if met + late else None,
        median_seconds_to_stop=statistics.median(durations) if durations else None,
        p90_seconds_to_stop=_percentile(durations, 0.9),
    )


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]
