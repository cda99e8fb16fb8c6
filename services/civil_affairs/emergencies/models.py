"""Emergency referrals (应急处置) of a case, as civil affairs learns of them from routing and the police."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class CivilAffairsEmergency(SQLModel, table=True):
    __tablename__ = "civil_affairs_emergencies"

    referral_id: str = Field(primary_key=True)
    case_id: str = Field(index=True)
    agency: str
    created_at: datetime = timestamp(nullable=False)
    resolved_at: datetime | None = timestamp()


class CivilAffairsCaseReferral(SQLModel, table=True):
    """Another agency's referral of a case, open until it is declined, completed or withdrawn."""

    __tablename__ = "civil_affairs_case_referrals"

    referral_id: str = Field(primary_key=True)
    case_id: str = Field(index=True)
    agency: str
    created_at: datetime = timestamp(nullable=False)
    ended_at: datetime | None = timestamp()
