"""Keeping track of a case's open emergency referrals, and asking whether any is still open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.db import insert_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.events.routing import ReferralCreated
from services.civil_affairs.emergencies.models import CivilAffairsEmergency


def is_others_emergency(event: ReferralCreated) -> bool:
    """Another agency's emergency referral (the police's 第一时间出警): civil affairs only watches it."""
    return event.emergency and event.agency != "civil_affairs"


async def record_emergency(*, uow: UnitOfWork, event: ReferralCreated) -> None:
    """Remember an emergency referral of the case as open (once, however often it is delivered)."""
    await insert_ignoring_conflict(
        uow.session,
        CivilAffairsEmergency.__table__,  # type: ignore[attr-defined]
        {
            "referral_id": event.referral_id,
            "case_id": event.case_id,
            "agency": event.agency.value,
            "created_at": event.created_at,
            "resolved_at": None,
        },
    )


async def resolve_emergency(*, uow: UnitOfWork, referral_id: str, at: datetime) -> None:
    """The emergency response ended (the police resolved the incident)."""
    await uow.session.execute(
        update(CivilAffairsEmergency)
        .where(CivilAffairsEmergency.referral_id == referral_id, CivilAffairsEmergency.resolved_at.is_(None))
        .values(resolved_at=at)
    )


async def open_emergencies(*, session: AsyncSession, case_id: str) -> int:
    """How many emergency referrals of the case are still open."""
    count = await session.scalar(
        select(func.count())
        .select_from(CivilAffairsEmergency)
        .where(CivilAffairsEmergency.case_id == case_id, CivilAffairsEmergency.resolved_at.is_(None))
    )
    return int(count or 0)
