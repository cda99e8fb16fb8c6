"""The inbox table, present in each agency's schema (created by services/agency/migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


def timestamp(*, nullable: bool = True) -> datetime | None:
    """A timezone-aware timestamp column (SQLModel's default drops the zone)."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable)


class AgencyReferral(SQLModel, table=True):
    """A referral routing handed to this agency, and how far the agency has taken it."""

    __tablename__ = "agency_referrals"

    referral_id: str = Field(primary_key=True)
    case_id: str
    child_id: str
    task: str
    role: str
    priority: str
    emergency: bool
    categories: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    district: str
    area: str
    reason: str
    replaces_referral_id: str | None = None
    status: str = "pending"
    created_at: datetime = timestamp(nullable=False)
    received_at: datetime = timestamp(nullable=False)
    accepted_at: datetime | None = timestamp()
    accepted_by: str | None = None
    declined_at: datetime | None = timestamp()
    decline_reason: str | None = None
    decline_reason_code: str | None = None
    completed_at: datetime | None = timestamp()
    outcome: str | None = None
    held_at: datetime | None = timestamp()
    hold_reason: str | None = None
    withdrawn_at: datetime | None = timestamp()
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None
    updated_at: datetime = timestamp(nullable=False)


class AgencyReferralNote(SQLModel, table=True):
    """An interim progress note the agency posted on a referral (free text: never logged)."""

    __tablename__ = "agency_referral_notes"

    note_id: str = Field(primary_key=True)
    referral_id: str = Field(index=True)
    case_id: str
    note: str
    author: str | None = None
    noted_at: datetime = timestamp(nullable=False)
