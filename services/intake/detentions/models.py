"""Detentions whose children intake received; the reports made from them point here."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class IntakeDetention(SQLModel, table=True):
    """A police detention with minor children without care; its reports carry its id."""

    __tablename__ = "intake_detentions"

    detention_id: str = Field(primary_key=True)
    detention_reference: str = Field(unique=True)
    district: str
    area: str
    found_at: datetime = Field(sa_type=DateTime(timezone=True))
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
