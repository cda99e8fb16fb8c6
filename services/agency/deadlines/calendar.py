"""Due times of the agency's deadline view that wait on a missing holiday calendar year.

The view keeps the due time the policy gave when the deadline started; when it counted working days of
a year without a calendar file it is provisional, and it is recomputed here once the year's file is
loaded.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import col

from backbone.service import ServiceRuntime
from backbone.uow import UnitOfWork
from services.agency.deadlines.models import AgencySlaClock
from sla import holidays
from sla.calendar import CalendarKind, Target, calendar_for
from sla.policy import ClockSpec, SlaPolicy, TargetNotDefined
from sla.stamping import active_policy

CHECK_SECONDS = 60.0


def target_of(spec: ClockSpec, payload: dict) -> Target | None:
    """The target a clock started by this payload runs to, when the payload says enough to know it."""
    try:
        return spec.target(payload.get("priority"), payload.get("area"))
    except TargetNotDefined:
        return None


def is_provisional(
    spec: ClockSpec, target: Target | None, started_at: datetime, due_at: datetime | None
) -> bool:
    """Whether the due time counted working days of a year no calendar file covers."""
    if target is None or due_at is None:
        return False
    return calendar_for(target.kind, ZoneInfo(spec.timezone)).is_provisional(started_at, due_at)


def due_for(row: AgencySlaClock, spec: ClockSpec) -> datetime | None:
    """Start plus the row's target in the calendar in force (the view keeps no pauses)."""
    if row.target_calendar is None or row.target_seconds is None:
        return row.due_at
    calendar = calendar_for(CalendarKind(row.target_calendar), ZoneInfo(spec.timezone))
    return calendar.add(row.started_at, timedelta(seconds=row.target_seconds))


def set_target(row: AgencySlaClock, spec: ClockSpec, target: Target | None) -> None:
    """Keep the target on the row and whether its due time is provisional."""
    for name, value in target_columns(spec, target, row.started_at, row.due_at).items():
        setattr(row, name, value)


def target_columns(
    spec: ClockSpec, target: Target | None, started_at: datetime, due_at: datetime | None
) -> dict[str, str | float | bool]:
    """The row's target (to recompute the due time) and whether its due time is provisional."""
    columns: dict[str, str | float | bool] = {
        "due_provisional": is_provisional(spec, target, started_at, due_at)
    }
    if target is not None:
        columns |= {"target_calendar": target.kind.value, "target_seconds": target.length.total_seconds()}
    return columns


async def recompute_provisional(*, uow: UnitOfWork, policy: SlaPolicy) -> int:
    """Recompute provisional due times with the calendar in force."""
    rows = (
        await uow.session.execute(
            select(AgencySlaClock)
            .where(col(AgencySlaClock.due_provisional), AgencySlaClock.state == "running")
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    recomputed = 0
    for row in rows:
        spec = policy.clocks.get(row.clock)
        if spec is None or row.target_calendar is None:
            continue
        row.due_at = due_for(row, spec)
        row.due_provisional = calendar_for(
            CalendarKind(row.target_calendar), ZoneInfo(spec.timezone)
        ).is_provisional(row.started_at, row.due_at)
        recomputed += 1
    return recomputed


async def refresh_provisional_deadlines(runtime: ServiceRuntime) -> None:
    """Background loop: when a calendar file is added, recompute the due times that waited on it
    (first with the files the system loaded at start)."""
    changed = True
    while True:
        if changed:
            async with runtime.unit_of_work() as uow:
                await recompute_provisional(uow=uow, policy=active_policy(uow.sla_policy_path))
                await uow.commit()
        await asyncio.sleep(CHECK_SECONDS)
        changed = await asyncio.to_thread(holidays.refresh)
