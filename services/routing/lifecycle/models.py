"""Routing's copy of the agencies' progress notes, shown to the case's lead in the case view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class RoutingReferralNote(SQLModel, table=True):
    """An agency's interim progress note on a referral (free text: shown, never logged)."""

    __tablename__ = "routing_referral_notes"

    note_id: str = Field(primary_key=True)
    case_id: str = Field(index=True)
    referral_id: str
    agency: str
    note: str
    author: str | None = None
    noted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
