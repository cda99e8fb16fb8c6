"""The inbox's service functions: store, re-prioritise, list, and the 受理/decline/complete steps."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import EVERYTHING, Visibility, district_filter
from backbone.clock import utcnow
from backbone.db import insert_ignoring_conflict, insert_rows_ignoring_conflict
from backbone.uow import UnitOfWork
from backbone.web.paging import PageRequest, fetch_page
from contracts.events.agencies import ReferralAccepted, ReferralCompleted, ReferralDeclined
from contracts.events.common import Agency, DeclineReason, Priority, Role
from contracts.events.routing import CasePriorityRaised, ReferralCreated, ReferralsAssigned
from services.agency.errors import ReferralNotFound
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.rules import (
    OPEN_STATUSES,
    ReferralAction,
    ReferralStatus,
    accepts_implicitly,
    check_steps_allowed,
    more_urgent,
    next_status,
)

log = logging.getLogger(__name__)

# An agency's own condition for completing a referral (e.g. police: the incident is resolved first);
# it raises StepRefused to refuse.
CompletionGuard = Callable[[UnitOfWork, AgencyReferral], Awaitable[None]]


async def store_referral(*, uow: UnitOfWork, agency: Agency, event: ReferralCreated) -> bool:
    """Put a referral addressed to this agency in its inbox as pending; ignore others and repeats."""
    if event.agency != agency:
        return False
    now = utcnow()
    stored = await insert_ignoring_conflict(
        uow.session,
        AgencyReferral.__table__,
        {
            "referral_id": event.referral_id,
            "case_id": event.case_id,
            "child_id": event.child_id,
            "task": event.task,
            "role": event.role.value,
            "priority": event.priority.value,
            "emergency": event.emergency,
            "categories": [c.value for c in event.categories],
            "district": event.district,
            "area": event.area.value,
            "reason": event.reason,
            "replaces_referral_id": event.replaces_referral_id,
            "status": ReferralStatus.PENDING.value,
            "created_at": event.created_at,
            "received_at": now,
            "updated_at": now,
        },
        conflict="(referral_id)",
        returning="referral_id",
    )
    if stored is not None:
        log.info("referral received", extra={"referral_id": event.referral_id})
    return stored is not None


async def store_assigned_referrals(*, uow: UnitOfWork, agency: Agency, event: ReferralsAssigned) -> int:
    """Put an assignment's referrals in this agency's inbox as pending, in one statement; ignore another
    agency's assignment and referrals already stored. How many were new."""
    if event.agency != agency:
        return 0
    received_at = utcnow()
    case = {
        "case_id": event.case_id,
        "child_id": event.child_id,
        "priority": event.priority.value,
        "categories": [c.value for c in event.categories],
        "district": event.district,
        "area": event.area.value,
        "reason": event.reason,
        "status": ReferralStatus.PENDING.value,
        "created_at": event.assigned_at,
        "received_at": received_at,
        "updated_at": received_at,
    }
    rows = [
        case
        | {
            "referral_id": r.referral_id,
            "task": r.task,
            "role": r.role.value,
            "emergency": r.emergency,
            "replaces_referral_id": r.replaces_referral_id,
        }
        for r in event.referrals
    ]
    # One statement for the assignment; a referral already in the inbox (a redelivery) stays as it is.
    stored = await insert_rows_ignoring_conflict(
        uow.session, AgencyReferral.__table__, rows, conflict="(referral_id)", returning="referral_id"
    )
    if stored:
        log.info("referrals received", extra={"case_id": event.case_id, "referrals": len(stored)})
    return len(stored)


async def raise_priority(*, uow: UnitOfWork, event: CasePriorityRaised) -> int:
    """Raise the priority of the case's open referrals; a late or lower priority never lowers one."""
    less_urgent = [p.value for p in Priority if more_urgent(event.priority, p)]
    result = await uow.session.execute(
        update(AgencyReferral)
        .where(
            AgencyReferral.case_id == event.case_id,
            AgencyReferral.status.in_([s.value for s in OPEN_STATUSES]),
            AgencyReferral.priority.in_(less_urgent),
        )
        .values(priority=event.priority.value, updated_at=utcnow())
    )
    return result.rowcount


async def list_referrals(
    *,
    session: AsyncSession,
    status: ReferralStatus | None = None,
    received_after: datetime | None = None,
    page: PageRequest,
    visibility: Visibility = EVERYTHING,
) -> tuple[list[Any], int]:
    """One page of the inbox in the caller's districts, most urgent then oldest first, and its total.

    Rows of columns, not ORM entities: agency systems poll this, and loading entities into the session
    (identity map, instrumented attributes) was a quarter of the police process's time under polling.
    """
    query = (
        select(*AgencyReferral.__table__.columns)
        .where(district_filter(AgencyReferral.district, visibility))
        .order_by(AgencyReferral.priority, AgencyReferral.received_at, AgencyReferral.referral_id)
    )
    if status is not None:
        query = query.where(AgencyReferral.status == status.value)
    if received_after is not None:
        query = query.where(AgencyReferral.received_at > received_after)
    return await fetch_page(session, query, page)


async def get_referral(*, session: AsyncSession, referral_id: str, lock: bool = False) -> AgencyReferral:
    """One referral of the inbox (locked for the transaction when it is about to change)."""
    referral = await session.get(AgencyReferral, referral_id, with_for_update=lock)
    if referral is None:
        raise ReferralNotFound("no referral with this id in this agency's inbox")
    return referral


def event_fields(referral: AgencyReferral, agency: Agency) -> dict[str, Any]:
    """What every accepted/declined/completed event says of the referral."""
    return {
        "referral_id": referral.referral_id,
        "case_id": referral.case_id,
        "agency": agency,
        "task": referral.task,
        "role": Role(referral.role),
        "priority": Priority(referral.priority),
    }


async def accept_referral(
    *,
    uow: UnitOfWork,
    agency: Agency,
    referral_id: str,
    officer: str | None = None,
    at: datetime | None = None,
) -> AgencyReferral:
    """Accept (受理) a pending referral and emit referral.accepted."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    referral.status = next_status(ReferralStatus(referral.status), ReferralAction.ACCEPT).value
    referral.accepted_at, referral.accepted_by, referral.updated_at = at or utcnow(), officer, utcnow()
    uow.emit(
        ReferralAccepted(
            **event_fields(referral, agency),
            accepted_at=referral.accepted_at,
            officer=officer,
        ),
        subject=referral.case_id,
    )
    log.info("referral accepted", extra={"referral_id": referral_id})
    return referral


async def decline_referral(
    *, uow: UnitOfWork, agency: Agency, referral_id: str, reason_code: DeclineReason, reason: str
) -> AgencyReferral:
    """Decline a pending referral with a listed reason code and free text; routing re-routes it."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    referral.status = next_status(ReferralStatus(referral.status), ReferralAction.DECLINE).value
    referral.declined_at = referral.updated_at = utcnow()
    referral.decline_reason, referral.decline_reason_code = reason, reason_code.value
    uow.emit(
        ReferralDeclined(
            **event_fields(referral, agency),
            reason=reason,
            reason_code=reason_code,
            declined_at=referral.declined_at,
        ),
        subject=referral.case_id,
    )
    log.info("referral declined", extra={"referral_id": referral_id})
    return referral


async def complete_referral(
    *, uow: UnitOfWork, agency: Agency, referral_id: str, outcome: str, guard: CompletionGuard | None = None
) -> AgencyReferral:
    """Complete an accepted referral (if the agency's guard allows) and emit referral.completed."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    status = next_status(ReferralStatus(referral.status), ReferralAction.COMPLETE)
    if guard is not None:
        await guard(uow, referral)
    referral.status = status.value
    referral.completed_at = referral.updated_at = utcnow()
    referral.outcome = outcome
    uow.emit(
        ReferralCompleted(
            **event_fields(referral, agency),
            outcome=outcome,
            completed_at=referral.completed_at,
        ),
        subject=referral.case_id,
    )
    log.info("referral completed", extra={"referral_id": referral_id})
    return referral


async def require_accepted(
    *,
    uow: UnitOfWork,
    agency: Agency,
    referral_id: str,
    accept_emergency_at: datetime | None = None,
    officer: str | None = None,
) -> AgencyReferral:
    """The referral, locked, if an agency step may be recorded on it (409 "accept the referral first").

    With `accept_emergency_at`, a pending emergency (or P1) referral is accepted on the spot at that time:
    a first-moment step such as a dispatch must not wait for paperwork.
    """
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    pending = referral.status == ReferralStatus.PENDING
    if (
        pending
        and accept_emergency_at is not None
        and accepts_implicitly(priority=Priority(referral.priority), emergency=referral.emergency)
    ):
        # Accepted when the step happened, though never before routing created the referral.
        at = max(accept_emergency_at, referral.created_at)
        return await accept_referral(uow=uow, agency=agency, referral_id=referral_id, officer=officer, at=at)
    check_steps_allowed(ReferralStatus(referral.status))
    return referral
