"""Starting, stopping, regrading, pausing and firing durable SLA clocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.agencies import ReferralHeld, ReferralResumed
from contracts.events.civil_affairs import CaseClosed
from contracts.events.routing import (
    JOINT_MEETING_OFFICE,
    CasePriorityRaised,
    SlaBreached,
    SlaEscalated,
    SlaWarning,
)
from services.routing.cases.store import emit_and_record
from services.routing.deadlines.holds import pause_for_hold, resume_after_hold
from services.routing.deadlines.models import SlaClockRow
from sla.clock import OPEN_STATES, Checkpoint, Clock
from sla.policy import SlaPolicy
from sla.stamping import ClockStamp, active_policy, clocks_cancelled, occurred_at_of

OPEN = [s.value for s in OPEN_STATES]


class ClockNotFound(LookupError):
    pass


async def apply_clock_changes(*, uow: UnitOfWork, envelope: CloudEvent, policy: SlaPolicy) -> None:
    """Cancel what the policy says the event cancels; close, pause, resume or regrade as it says."""
    for spec, subject in clocks_cancelled(envelope.type, envelope.data, policy=policy):
        await cancel_clock(
            uow=uow,
            clock=spec.name,
            subject_id=subject,
            at=occurred_at_of(uow.catalogue.spec(envelope.type).model, envelope.data) or utcnow(),
        )
    if envelope.type.startswith("civil_affairs.case_closed."):
        closed = CaseClosed.model_validate(envelope.data)
        await cancel_case_clocks(uow=uow, case_id=closed.case_id, at=closed.closed_at)
    if envelope.type.startswith("referral.held."):
        await pause_for_hold(uow=uow, event=ReferralHeld.model_validate(envelope.data))
    if envelope.type.startswith("referral.resumed."):
        await resume_after_hold(uow=uow, event=ReferralResumed.model_validate(envelope.data))
    if envelope.type.startswith("case.priority_raised."):
        raised = CasePriorityRaised.model_validate(envelope.data)
        await regrade_case(uow=uow, case_id=raised.case_id, priority=raised.priority, at=raised.raised_at)


async def open_clock(*, uow: UnitOfWork, clock: str, subject_id: str) -> SlaClockRow | None:
    """The open clock of one deadline for one subject, locked for update."""
    statement = (
        select(SlaClockRow)
        .where(
            SlaClockRow.clock == clock, SlaClockRow.subject_id == subject_id, col(SlaClockRow.state).in_(OPEN)
        )
        .with_for_update()
    )
    return (await uow.session.execute(statement)).scalar_one_or_none()


async def stop_clock(*, uow: UnitOfWork, stamp: ClockStamp) -> SlaClockRow | None:
    """Stop the open clock the stamp names; a stop for a clock never started changes nothing."""
    row = await open_clock(uow=uow, clock=stamp.clock, subject_id=stamp.subject_id)
    if row is None:
        return None
    clock = row.domain()
    # An agency system may report a time before our last record of the clock; never rewrite history,
    # but a breach the timer recorded while this stop was in flight does not make an on-time stop late.
    clock.stop(max(stamp.stopped_at or utcnow(), clock.last_change_but_breach))
    row.hold(clock, now=utcnow())
    return row


async def cancel_clock(*, uow: UnitOfWork, clock: str, subject_id: str, at: datetime) -> bool:
    """End one open clock whose obligation no longer applies (its referral was declined or completed)."""
    row = await open_clock(uow=uow, clock=clock, subject_id=subject_id)
    if row is None:
        return False
    _cancel(row, at)
    return True


async def regrade_case(*, uow: UnitOfWork, case_id: str, priority: str, at: datetime) -> int:
    """Recompute the due times of the case's running or paused clocks under a new priority."""
    rows = (
        await uow.session.execute(
            select(SlaClockRow)
            .where(SlaClockRow.case_id == case_id, col(SlaClockRow.state).in_(["running", "paused"]))
            .with_for_update()
        )
    ).scalars()
    policy = active_policy(uow.sla_policy_path)
    regraded = 0
    for row in rows:
        clock = row.domain()
        spec = policy.clock(clock.name)
        if (
            clock.priority is None
            or spec.target_by.value != "priority"
            or clock.policy_version != policy.version
        ):
            continue
        clock.change_priority(max(at, clock.last_change), priority, spec)
        row.hold(clock, now=utcnow())
        regraded += 1
    return regraded


async def cancel_case_clocks(*, uow: UnitOfWork, case_id: str, at: datetime) -> int:
    """A closed case owes nothing more: cancel every clock of it still open."""
    rows = (
        await uow.session.execute(
            select(SlaClockRow)
            .where(SlaClockRow.case_id == case_id, col(SlaClockRow.state).in_(OPEN))
            .with_for_update()
        )
    ).scalars()
    cancelled = 0
    for row in rows:
        _cancel(row, at)
        cancelled += 1
    return cancelled


def _cancel(row: SlaClockRow, at: datetime) -> None:
    clock = row.domain()
    clock.cancel(max(at, clock.last_change))
    row.hold(clock, now=utcnow())


async def recompute_provisional(*, uow: UnitOfWork) -> int:
    """Recompute the due times of open clocks marked provisional, with the calendar now in force."""
    rows = (
        await uow.session.execute(
            select(SlaClockRow)
            .where(col(SlaClockRow.due_provisional), col(SlaClockRow.state).in_(OPEN))
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    recomputed = 0
    for row in rows:
        row.hold(row.domain(), now=utcnow())
        recomputed += 1
    return recomputed


async def count_provisional(*, uow: UnitOfWork) -> int:
    """How many open clocks have a provisional due time."""
    statement = select(func.count()).where(col(SlaClockRow.due_provisional), col(SlaClockRow.state).in_(OPEN))
    return await uow.session.scalar(statement) or 0


async def pause_clock(*, uow: UnitOfWork, clock_id: str, reason: str) -> SlaClockRow:
    """Pause a running clock, for example while waiting on a court."""
    row = await _locked(uow, clock_id)
    clock = row.domain()
    clock.pause(max(utcnow(), clock.last_change), reason)
    row.hold(clock, now=utcnow())
    return row


async def resume_clock(*, uow: UnitOfWork, clock_id: str) -> SlaClockRow:
    """Resume a paused clock; the paused time does not count."""
    row = await _locked(uow, clock_id)
    clock = row.domain()
    clock.resume(max(utcnow(), clock.last_change))
    row.hold(clock, now=utcnow())
    return row


async def fire_due_checkpoints(*, uow: UnitOfWork, now: datetime, limit: int = 500) -> int:
    """Fire every checkpoint due by `now` once; return how many clocks were claimed.

    Rows are claimed with SKIP LOCKED, so replicas share the work, and a checkpoint is marked fired in
    the transaction that writes its event to the outbox: exactly once in effect, across restarts.
    """
    rows = (
        await uow.session.execute(
            select(SlaClockRow)
            .where(col(SlaClockRow.next_fire_at) <= now)
            .order_by(SlaClockRow.next_fire_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    claimed = 0
    for row in rows:
        claimed += 1
        clock = row.domain()
        due = clock.due_checkpoints(now, set(row.fired))
        for checkpoint in due:
            if checkpoint.kind == "breach" and clock.state.value == "running":
                clock.record_breach(max(checkpoint.fire_at, clock.last_change))
            if not _folded_into_breach(checkpoint, clock):
                await _emit_alert(uow, clock, checkpoint, now, supervisor=_supervisor(clock))
            if checkpoint.notify == JOINT_MEETING_OFFICE and row.escalated_at is None:
                # The case view shows it on the clock's referral; the referral row is left unlocked.
                row.escalated_at = now
            row.fired = [*row.fired, checkpoint.kind]
            row.warned = row.warned or checkpoint.is_warning
        row.hold(clock, now=now)
    return claimed


async def next_fire_time(*, uow: UnitOfWork) -> datetime | None:
    """When the earliest unfired checkpoint of any clock falls due."""
    return await uow.session.scalar(select(func.min(SlaClockRow.next_fire_at)))


def _supervisor(clock: Clock) -> str:
    """Who the breach alerts: the escalation step that falls at the due time (the agency's supervisor)."""
    at_due = [p.notify for p in clock.plan if p.kind.startswith("escalation") and p.fraction == 1.0]
    return at_due[0] if at_due else f"{clock.agency}.supervisor"


def _folded_into_breach(checkpoint: Checkpoint, clock: Clock) -> bool:
    # The escalation step due at the deadline itself is the breach's own alert, not a second event.
    return checkpoint.kind.startswith("escalation") and checkpoint.fire_at == clock.due_at


async def _emit_alert(
    uow: UnitOfWork, clock: Clock, checkpoint: Checkpoint, now: datetime, *, supervisor: str
) -> None:
    common = {
        "case_id": clock.case_id,
        "agency": clock.agency,
        "clock": clock.name,
        "subject_id": clock.subject,
        "started_at": clock.started_at,
        "due_at": clock.due_at or checkpoint.fire_at,
        "policy_version": clock.policy_version,
        "fired_at": now,
    }
    late = clock.lateness(now).total_seconds()
    if checkpoint.is_warning:
        event = SlaWarning(**common, threshold=int(checkpoint.kind.removeprefix("warning_")) / 100)
    elif checkpoint.kind == "breach":
        event = SlaBreached(**common, late_by_seconds=late, notify=supervisor)
    else:
        event = SlaEscalated(**common, late_by_seconds=late, level=checkpoint.notify)
    await emit_and_record(uow=uow, case_id=clock.case_id, event=event)


async def _locked(uow: UnitOfWork, clock_id: str) -> SlaClockRow:
    row = (
        await uow.session.execute(select(SlaClockRow).where(SlaClockRow.id == clock_id).with_for_update())
    ).scalar_one_or_none()
    if row is None:
        raise ClockNotFound(clock_id)
    return row
