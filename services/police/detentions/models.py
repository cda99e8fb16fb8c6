"""Detentions whose children the police gave to intake: ids and a count, no child's data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ARRAY, Column, Text
from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class PoliceDetention(SQLModel, table=True):
    """The detention, how many children intake received and the case opened for each (data in intake)."""

    __tablename__ = "police_detentions"

    detention_id: str = Field(primary_key=True)
    detention_reference: str = Field(unique=True)
    district: str
    area: str
    children_count: int
    case_ids: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    found_at: datetime = timestamp(nullable=False)
    reported_at: datetime = timestamp(nullable=False)
