"""Keeping the agency's deadline view: the policy's starts and stops make rows, routing's alerts mark them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlmodel import col

from backbone.db import insert_rows_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.agencies import ReferralHeld, ReferralResumed
from contracts.events.civil_affairs import CaseClosed
from contracts.events.routing import CasePriorityRaised, SlaBreached, SlaEscalated, SlaWarning
from services.agency.deadlines.calendar import set_target, target_columns, target_of
from services.agency.deadlines.holds import pause_held_deadlines, resume_held_deadlines
from services.agency.deadlines.models import AgencySlaClock
from sla.calendar import calendar_for
from sla.policy import SlaPolicy
from sla.stamping import (
    ClockStamp,
    active_policy,
    changes_open_clocks,
    clocks_cancelled,
    envelope_stamps,
    occurred_at_of,
)

OPEN = ("running", "paused", "breached")


def deadline_observer(agency: str):
    """An envelope observer keeping this agency's deadlines: what the policy says each event starts,
    stops or cancels for this agency (derived here from the event's type and data). The starts of a
    set are written in one statement, before anything that changes open deadlines is applied."""

    async def observe(envelopes: Sequence[CloudEvent], uow: UnitOfWork) -> None:
        policy = active_policy(uow.sla_policy_path)
        starts: list[dict[str, Any]] = []
        for envelope in envelopes:
            stamps = envelope_stamps(envelope, policy=policy, catalogue=uow.catalogue, agency=agency)
            stops = [stamp for stamp in stamps if stamp.action == "stop"]
            if stops or changes_open_clocks(envelope.type, envelope.data, policy=policy):
                starts = await _start(uow, starts)
                await _apply_changes(uow, envelope, policy)
                for stamp in stops:
                    await _stop(uow, stamp)
            starts.extend(
                start_row(stamp, envelope=envelope, policy=policy)
                for stamp in stamps
                if stamp.action == "start"
            )
        await _start(uow, starts)

    return observe


def start_row(stamp: ClockStamp, *, envelope: CloudEvent, policy: SlaPolicy) -> dict[str, Any]:
    """The deadline row a start stamp makes."""
    row: dict[str, Any] = {
        "clock": stamp.clock,
        "subject_id": stamp.subject_id,
        "case_id": envelope.subject,
        "state": "running",
        "started_at": stamp.started_at,
        "due_at": stamp.due_at,
        "policy_version": stamp.policy_version,
        "due_provisional": False,
        "target_calendar": None,
        "target_seconds": None,
    }
    if (spec := policy.clocks.get(stamp.clock)) is not None:
        row |= target_columns(spec, target_of(spec, envelope.data), stamp.started_at, stamp.due_at)
    return row


async def _start(uow: UnitOfWork, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write the gathered starts (a deadline already open stays); nothing is left gathered."""
    await insert_rows_ignoring_conflict(uow.session, AgencySlaClock.__table__, rows)
    return []


async def _apply_changes(uow: UnitOfWork, envelope: CloudEvent, policy: SlaPolicy) -> None:
    """Close, regrade, pause, resume and cancel what the event says, in that order."""
    if envelope.type.startswith("civil_affairs.case_closed."):
        await uow.session.execute(
            update(AgencySlaClock)
            .where(AgencySlaClock.case_id == envelope.subject, col(AgencySlaClock.state).in_(OPEN))
            .values(state="cancelled", stopped_at=CaseClosed.model_validate(envelope.data).closed_at)
        )
    if envelope.type.startswith("case.priority_raised."):
        await regrade_deadlines(uow=uow, event=CasePriorityRaised.model_validate(envelope.data))
    if envelope.type.startswith("referral.held."):
        await pause_held_deadlines(uow=uow, event=ReferralHeld.model_validate(envelope.data))
    if envelope.type.startswith("referral.resumed."):
        await resume_held_deadlines(
            uow=uow, event=ReferralResumed.model_validate(envelope.data), policy=policy
        )
    for spec, subject in clocks_cancelled(envelope.type, envelope.data, policy=policy):
        await uow.session.execute(
            update(AgencySlaClock)
            .where(AgencySlaClock.clock == spec.name, AgencySlaClock.subject_id == subject)
            .where(col(AgencySlaClock.state).in_(OPEN))
            .values(
                state="cancelled",
                stopped_at=occurred_at_of(uow.catalogue.spec(envelope.type).model, envelope.data),
            )
        )


async def _stop(uow: UnitOfWork, stamp: ClockStamp) -> None:
    row = await _open(uow, stamp.clock, stamp.subject_id)
    if row is not None and stamp.stopped_at is not None:
        row.stopped_at = stamp.stopped_at
        row.state = "met" if row.due_at is None or stamp.stopped_at <= row.due_at else "met_late"


async def regrade_deadlines(*, uow: UnitOfWork, event: CasePriorityRaised) -> int:
    """Bring the case's open deadlines graded by priority forward to the raised priority's target.

    The agency's view keeps no pauses (routing does), so the due time is the start plus the new target;
    a due time is only ever brought forward, so a late or repeated raise changes nothing.
    """
    policy = active_policy(uow.sla_policy_path)
    rows = (
        await uow.session.execute(
            select(AgencySlaClock)
            .where(AgencySlaClock.case_id == event.case_id, AgencySlaClock.state == "running")
            .with_for_update()
        )
    ).scalars()
    regraded = 0
    for row in rows:
        spec = policy.clocks.get(row.clock)
        if spec is None or spec.target_by.value != "priority" or row.policy_version != policy.version:
            continue
        target = spec.target(event.priority.value)
        due = calendar_for(target.kind, ZoneInfo(spec.timezone)).add(row.started_at, target.length)
        if row.due_at is None or due < row.due_at:
            row.due_at = due
            set_target(row, spec, target)
            regraded += 1
    return regraded


def alert_handlers(agency: str) -> dict:
    """Handlers for routing's warnings, breaches and escalations about this agency's deadlines."""

    async def warned(event: SlaWarning, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if event.agency == agency and (row := await _open(uow, event.clock, event.subject_id)) is not None:
            row.warned = True

    async def breached(event: SlaBreached, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if event.agency == agency and (row := await _open(uow, event.clock, event.subject_id)) is not None:
            row.state, row.breached_at, row.due_at = "breached", event.fired_at, event.due_at

    async def escalated(event: SlaEscalated, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if event.agency == agency and (row := await _open(uow, event.clock, event.subject_id)) is not None:
            row.escalated_to = event.level

    return {"sla.warning": warned, "sla.breached": breached, "sla.escalated": escalated}


async def _open(uow: UnitOfWork, clock: str, subject_id: str) -> AgencySlaClock | None:
    statement = (
        select(AgencySlaClock)
        .where(AgencySlaClock.clock == clock, AgencySlaClock.subject_id == subject_id)
        .where(col(AgencySlaClock.state).in_(OPEN))
        .with_for_update()
    )
    return (await uow.session.execute(statement)).scalar_one_or_none()
