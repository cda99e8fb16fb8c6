"""Keeping track of a case's open emergency referrals, and asking whether any is still open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.db import insert_rows_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.events.routing import ReferralCreated
from services.civil_affairs.emergencies.models import CivilAffairsCaseReferral, CivilAffairsEmergency


def is_others_emergency(event: ReferralCreated) -> bool:
    """The police's emergency referral (第一时间出警), open until the police resolve the incident."""
    return event.emergency and event.agency == "police"


async def record_emergencies(*, uow: UnitOfWork, events: Sequence[ReferralCreated]) -> None:
    """Remember emergency referrals of cases as open (once, however often they are delivered)."""
    await insert_rows_ignoring_conflict(
        uow.session,
        CivilAffairsEmergency.__table__,  # type: ignore[attr-defined]
        [
            {
                "referral_id": event.referral_id,
                "case_id": event.case_id,
                "agency": event.agency.value,
                "created_at": event.created_at,
                "resolved_at": None,
            }
            for event in events
        ],
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


async def record_case_referrals(*, uow: UnitOfWork, events: Sequence[ReferralCreated]) -> None:
    """Remember other agencies' referrals of cases as open (once, however often they are delivered)."""
    await insert_rows_ignoring_conflict(
        uow.session,
        CivilAffairsCaseReferral.__table__,  # type: ignore[attr-defined]
        [
            {
                "referral_id": event.referral_id,
                "case_id": event.case_id,
                "agency": event.agency.value,
                "created_at": event.created_at,
                "ended_at": None,
            }
            for event in events
        ],
    )


async def end_case_referral(*, uow: UnitOfWork, referral_id: str, at: datetime) -> None:
    """Another agency's referral ended (declined, completed or withdrawn); its own are not tracked here."""
    await uow.session.execute(
        update(CivilAffairsCaseReferral)
        .where(
            CivilAffairsCaseReferral.referral_id == referral_id, CivilAffairsCaseReferral.ended_at.is_(None)
        )
        .values(ended_at=at)
    )


async def open_case_referrals(*, session: AsyncSession, case_id: str) -> int:
    """How many other agencies' referrals of the case are still open."""
    count = await session.scalar(
        select(func.count())
        .select_from(CivilAffairsCaseReferral)
        .where(CivilAffairsCaseReferral.case_id == case_id, CivilAffairsCaseReferral.ended_at.is_(None))
    )
    return int(count or 0)
