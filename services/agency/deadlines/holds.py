"""A held referral's deadlines in the agency's view: paused with the hold, pushed back when it resumes.

Routing keeps the authoritative clocks (and refuses to pause one already overdue); the view follows the
same rule, and on resume moves the due time back by the held time counted in the deadline's calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backbone.uow import UnitOfWork
from contracts.events.agencies import ReferralHeld, ReferralResumed
from services.agency.deadlines.models import AgencySlaClock
from sla.calendar import CalendarKind, calendar_for
from sla.policy import SlaPolicy


async def pause_held_deadlines(*, uow: UnitOfWork, event: ReferralHeld) -> int:
    """Pause the referral's running deadlines that are not yet overdue; how many were paused."""
    rows = await _rows(uow, event.referral_id, "running")
    paused = 0
    for row in rows:
        if row.due_at is not None and row.due_at <= event.held_at:
            continue  # overdue: a missed deadline stays visible, as routing keeps it
        row.state, row.paused_at = "paused", event.held_at
        paused += 1
    return paused


async def resume_held_deadlines(*, uow: UnitOfWork, event: ReferralResumed, policy: SlaPolicy) -> int:
    """Run the deadlines the hold paused again, due later by the held time; how many resumed."""
    rows = await _rows(uow, event.referral_id, "paused")
    for row in rows:
        if row.due_at is not None and row.paused_at is not None:
            row.due_at = _pushed_back(row, policy, row.paused_at, event.resumed_at)
        row.state, row.paused_at = "running", None
    return len(rows)


def _pushed_back(row: AgencySlaClock, policy: SlaPolicy, since: datetime, until: datetime) -> datetime:
    assert row.due_at is not None
    spec = policy.clocks.get(row.clock)
    if spec is None or row.target_calendar is None:
        return row.due_at + max(until - since, timedelta(0))
    calendar = calendar_for(CalendarKind(row.target_calendar), ZoneInfo(spec.timezone))
    return calendar.add(row.due_at, calendar.between(since, until))


async def _rows(uow: UnitOfWork, referral_id: str, state: str) -> list[AgencySlaClock]:
    statement = (
        select(AgencySlaClock)
        .where(AgencySlaClock.subject_id == referral_id, AgencySlaClock.state == state)
        .with_for_update()
    )
    return list((await uow.session.execute(statement)).scalars())
