"""The police's record of its emergency response (应急处置) to a referral."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class PoliceResponse(SQLModel, table=True):
    """One response per referral: the unit dispatched, its arrival, and the outcome."""

    __tablename__ = "police_responses"

    referral_id: str = Field(primary_key=True)
    case_id: str
    unit: str
    dispatched_at: datetime = timestamp(nullable=False)
    arrived_at: datetime | None = timestamp()
    resolved_at: datetime | None = timestamp()
    outcome: str | None = None
    injury_found: bool | None = None
    criminal_case_number: str | None = None
    updated_at: datetime = timestamp(nullable=False)
