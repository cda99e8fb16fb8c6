"""The joint meeting office's queue: referrals no agency would take, and deadlines left open too long."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from backbone.web.paging import PageRequest, fetch_page
from contracts.events.common import Agency
from contracts.events.routing import JOINT_MEETING_OFFICE, ReferralEscalated, SlaEscalated
from services.civil_affairs.escalations.models import CivilAffairsEscalation, EscalationCause
from sla.policy import SlaPolicy

log = logging.getLogger(__name__)


def reaches_office(event: SlaEscalated) -> bool:
    """Whether a deadline escalation is addressed to the joint meeting office (not a supervisor)."""
    return event.level == JOINT_MEETING_OFFICE


async def queue_escalation(*, uow: UnitOfWork, escalation_id: str, event: ReferralEscalated) -> None:
    """Put an escalated referral in the joint meeting office's queue (once per escalation event)."""
    await _queue(
        uow,
        escalation_id=escalation_id,
        cause=EscalationCause.REFERRAL_DECLINED,
        referral_id=event.referral_id,
        case_id=event.case_id,
        agency=event.agency.value,
        reason=event.reason,
        escalated_at=event.escalated_at,
    )
    log.info("escalation queued", extra={"referral_id": event.referral_id, "escalation_id": escalation_id})


async def queue_deadline_escalation(
    *, uow: UnitOfWork, escalation_id: str, event: SlaEscalated, policy: SlaPolicy
) -> None:
    """Put a deadline that reached the joint meeting office in its queue (once per escalation event)."""
    about_referral = event.clock in policy.clocks and policy.clock(event.clock).subject == "referral"
    await _queue(
        uow,
        escalation_id=escalation_id,
        cause=EscalationCause.DEADLINE,
        referral_id=event.subject_id if about_referral else None,
        case_id=event.case_id,
        agency=event.agency,
        clock=event.clock,
        subject_id=event.subject_id,
        reason=f"deadline {event.clock} still open {round(event.late_by_seconds)} s after it was due",
        escalated_at=event.fired_at,
    )
    log.info("deadline escalation queued", extra={"case_id": event.case_id, "escalation_id": escalation_id})


async def _queue(uow: UnitOfWork, *, escalation_id: str, **values: Any) -> None:
    await uow.session.execute(
        pg_insert(CivilAffairsEscalation)
        .values(escalation_id=escalation_id, received_at=utcnow(), **values)
        .on_conflict_do_nothing(index_elements=["escalation_id"])
    )


async def list_escalations(
    *, session: AsyncSession, agency: Agency | None = None, page: PageRequest
) -> tuple[list[CivilAffairsEscalation], int]:
    """One page of the queue, oldest escalation first (optionally one agency's), and the queue's length."""
    query = select(CivilAffairsEscalation).order_by(
        CivilAffairsEscalation.escalated_at, CivilAffairsEscalation.escalation_id
    )
    if agency is not None:
        query = query.where(CivilAffairsEscalation.agency == agency.value)
    return await fetch_page(session, query, page)
