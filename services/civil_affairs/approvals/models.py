"""A request for a supervisor's approval and its decision."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class ApprovalStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class CivilAffairsApproval(SQLModel, table=True):
    """One step waiting for, or decided by, a supervisor of the case's district."""

    __tablename__ = "civil_affairs_approvals"

    approval_id: str = Field(primary_key=True)
    referral_id: str = Field(index=True)
    case_id: str
    district: str
    kind: str
    reason: str
    outcome: str | None = None  # what the closed case's outcome will be (close_case)
    status: str
    requested_by: str
    requested_at: datetime = timestamp(nullable=False)
    decided_by: str | None = None
    decision_note: str | None = None
    decided_at: datetime | None = timestamp()
