"""Database steps the service functions share: the per-case lock, keyed inserts and lookups."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.db import insert_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from services.routing.cases.decisions import ReferralKey
from services.routing.cases.models import (
    OPEN_REFERRAL_STATUSES,
    RoutingCase,
    RoutingReferral,
    RoutingTimelineEntry,
)
from services.routing.cases.timeline import summarize
from sla.stamping import occurred_at


class UnknownCase(LookupError):
    """An event or request names a case routing has never opened."""


class UnknownReferral(LookupError):
    """An agency event names a referral routing never made, or made for another case or agency."""


async def lock_case(*, session: AsyncSession, case_id: str) -> RoutingCase | None:
    """Serialise all work on one case (reports and agency events arrive on several topics at once)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"routing-case:{case_id}"}
    )
    return await session.get(RoutingCase, case_id, populate_existing=True)


async def require_case(*, session: AsyncSession, case_id: str) -> RoutingCase:
    """The locked case, or UnknownCase (the message is dead-lettered with the reason)."""
    case = await lock_case(session=session, case_id=case_id)
    if case is None:
        raise UnknownCase(f"case {case_id} is unknown to routing")
    return case


async def append_timeline(*, session: AsyncSession, case_id: str, envelope: CloudEvent, event: Event) -> None:
    """Add the event to the case's timeline, once per event id."""
    await insert_ignoring_conflict(
        session,
        RoutingTimelineEntry.__table__,
        {
            "case_id": case_id,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "source": envelope.source,
            "time": envelope.time,
            "occurred_at": occurred_at(event),
            "referral_id": getattr(event, "referral_id", None),
            "summary": summarize(event),
        },
        conflict="ON CONSTRAINT routing_timeline_case_event",
    )


def new_referral_id() -> str:
    """A random id a caller cannot compute from the case id; `origin_key` (unique) stops a replay
    from minting a second referral, whatever id it draws."""
    return str(uuid.uuid4())


async def insert_referral(*, session: AsyncSession, values: dict[str, Any]) -> str | None:
    """Insert a referral keyed by its origin; its id, or None when that origin already made one."""
    return await insert_ignoring_conflict(
        session, RoutingReferral.__table__, values, conflict="(origin_key)", returning="referral_id"
    )


async def referral_keys(*, session: AsyncSession, case_id: str) -> set[ReferralKey]:
    """Every (agency, task, role) the case has a referral for, in any status."""
    rows = await session.execute(
        select(RoutingReferral.agency, RoutingReferral.task, RoutingReferral.role).where(
            RoutingReferral.case_id == case_id
        )
    )
    return {(agency, task, role) for agency, task, role in rows}


async def has_open_referral(*, session: AsyncSession, case_id: str, agency: str, task: str) -> bool:
    """Whether an agency already holds (pending or accepted) a lead referral for the task."""
    count = await session.scalar(
        select(func.count())
        .select_from(RoutingReferral)
        .where(
            RoutingReferral.case_id == case_id,
            RoutingReferral.agency == agency,
            RoutingReferral.task == task,
            RoutingReferral.role == "lead",
            RoutingReferral.status.in_([s.value for s in OPEN_REFERRAL_STATUSES]),
        )
    )
    return bool(count)


async def require_referral(
    *, session: AsyncSession, referral_id: str, case_id: str, agency: str
) -> RoutingReferral:
    """The referral an agency event is about, checked against the event's case and agency."""
    referral = await session.get(RoutingReferral, referral_id, with_for_update=True, populate_existing=True)
    if referral is None or referral.case_id != case_id or referral.agency != agency:
        raise UnknownReferral(f"referral {referral_id} of {agency} for case {case_id} is unknown to routing")
    return referral


async def emit_and_record(*, uow: UnitOfWork, case_id: str, event: Event) -> CloudEvent:
    """Emit an event about the case and append it to the case's timeline in the same transaction."""
    envelope = uow.emit(event, subject=case_id)
    await append_timeline(session=uow.session, case_id=case_id, envelope=envelope, event=event)
    return envelope
