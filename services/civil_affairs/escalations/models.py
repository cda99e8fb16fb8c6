"""The joint meeting office's (联席会议办公室) queue of referrals no agency would take."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class CivilAffairsEscalation(SQLModel, table=True):
    """One escalation routing sent to the joint meeting office."""

    __tablename__ = "civil_affairs_escalations"

    escalation_id: str = Field(primary_key=True)
    referral_id: str
    case_id: str
    agency: str
    reason: str
    escalated_at: datetime = timestamp(nullable=False)
    received_at: datetime = timestamp(nullable=False)
