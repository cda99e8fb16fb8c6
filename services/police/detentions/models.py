"""Detentions where the detained person has minor children without care: no child's data is kept here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class PoliceDetention(SQLModel, table=True):
    """The detention record and how many children were reported to intake (their data lives in intake)."""

    __tablename__ = "police_detentions"

    detention_id: str = Field(primary_key=True)
    detention_reference: str = Field(unique=True)
    district: str
    area: str
    children_count: int
    found_at: datetime = timestamp(nullable=False)
    reported_at: datetime = timestamp(nullable=False)
