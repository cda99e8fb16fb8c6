"""The joint meeting office's queue: referrals routing escalated because no agency would take them."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.common import Agency
from contracts.events.routing import ReferralEscalated
from services.civil_affairs.escalations.models import CivilAffairsEscalation

log = logging.getLogger(__name__)


async def queue_escalation(*, uow: UnitOfWork, escalation_id: str, event: ReferralEscalated) -> None:
    """Put an escalated referral in the joint meeting office's queue (once per escalation event)."""
    await uow.session.execute(
        pg_insert(CivilAffairsEscalation)
        .values(
            escalation_id=escalation_id,
            referral_id=event.referral_id,
            case_id=event.case_id,
            agency=event.agency.value,
            reason=event.reason,
            escalated_at=event.escalated_at,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["escalation_id"])
    )
    log.info("escalation queued", extra={"referral_id": event.referral_id, "escalation_id": escalation_id})


async def list_escalations(
    *, session: AsyncSession, agency: Agency | None = None, limit: int, offset: int = 0
) -> list[CivilAffairsEscalation]:
    """One page of the queue, oldest escalation first, optionally for one agency's referrals."""
    query = select(CivilAffairsEscalation).order_by(
        CivilAffairsEscalation.escalated_at, CivilAffairsEscalation.escalation_id
    )
    if agency is not None:
        query = query.where(CivilAffairsEscalation.agency == agency.value)
    return list((await session.scalars(query.limit(limit).offset(offset))).all())
