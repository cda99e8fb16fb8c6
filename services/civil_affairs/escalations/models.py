"""The joint meeting office's (联席会议办公室) queue: referrals no agency would take, missed deadlines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class EscalationCause(StrEnum):
    REFERRAL_DECLINED = "referral_declined"  # no agency would take the referral
    DEADLINE = "deadline"  # a deadline stayed open for twice its target


class CivilAffairsEscalation(SQLModel, table=True):
    """One escalation routing sent to the joint meeting office."""

    __tablename__ = "civil_affairs_escalations"

    escalation_id: str = Field(primary_key=True)
    cause: str = EscalationCause.REFERRAL_DECLINED.value
    referral_id: str | None = None
    case_id: str
    agency: str
    clock: str | None = None
    subject_id: str | None = None
    reason: str
    escalated_at: datetime = timestamp(nullable=False)
    received_at: datetime = timestamp(nullable=False)
