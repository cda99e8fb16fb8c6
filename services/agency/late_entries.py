"""Steps recorded as late entries, kept for supervision beside the inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Identity
from sqlmodel import Field, SQLModel

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from services.agency.referrals.models import AgencyReferral, timestamp


class AgencyLateEntry(SQLModel, table=True):
    """A step whose time was accepted outside the usual bounds, with the reason given."""

    __tablename__ = "agency_late_entries"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    referral_id: str
    case_id: str
    field: str
    reported_at: datetime = timestamp(nullable=False)
    reason: str
    recorded_at: datetime = timestamp(nullable=False)


def record_late_entry(
    *, uow: UnitOfWork, referral: AgencyReferral, field: str, reported_at: datetime, reason: str
) -> None:
    """Keep the late entry in the step's transaction: it is written only if the step is."""
    uow.session.add(
        AgencyLateEntry(
            referral_id=referral.referral_id,
            case_id=referral.case_id,
            field=field,
            reported_at=reported_at,
            reason=reason,
            recorded_at=utcnow(),
        )
    )
