"""A referral on hold pauses its running clocks; resuming it resumes the clocks its hold paused (a
withdrawn referral starts none: `store.withdrawn_subjects`).

The pause reuses the clock's own pause (the one supervisors use), marked as the hold's, so a resume
never ends a supervisor's pause, and an overdue clock is never paused: a missed deadline stays visible.
"""

from __future__ import annotations

from sqlalchemy import select

from backbone.uow import UnitOfWork
from contracts.events.agencies import ReferralHeld, ReferralResumed
from services.routing.deadlines.models import SlaClockRow
from sla.clock import IllegalClockTransition

HOLD_PAUSE = "referral on hold"


async def pause_for_hold(*, uow: UnitOfWork, event: ReferralHeld) -> int:
    """Pause the referral's running clocks that are not yet overdue; how many were paused."""
    paused = 0
    for row in await _clocks(uow, event.referral_id, "running"):
        clock = row.domain()
        try:
            clock.pause(max(event.held_at, clock.last_change), f"{HOLD_PAUSE}: {event.reason}")
        except IllegalClockTransition:
            continue  # overdue: it stays running towards its breach and escalation
        row.hold(clock, now=event.held_at)
        paused += 1
    return paused


async def resume_after_hold(*, uow: UnitOfWork, event: ReferralResumed) -> int:
    """Resume the referral's clocks its hold paused (a supervisor's pause stays); how many resumed."""
    resumed = 0
    for row in await _clocks(uow, event.referral_id, "paused"):
        clock = row.domain()
        if not clock.pauses or not clock.pauses[-1].reason.startswith(HOLD_PAUSE):
            continue
        clock.resume(max(event.resumed_at, clock.last_change))
        row.hold(clock, now=event.resumed_at)
        resumed += 1
    return resumed


async def _clocks(uow: UnitOfWork, referral_id: str, state: str) -> list[SlaClockRow]:
    statement = (
        select(SlaClockRow)
        .where(SlaClockRow.subject_id == referral_id, SlaClockRow.state == state)
        .with_for_update()
    )
    return list((await uow.session.execute(statement)).scalars())
