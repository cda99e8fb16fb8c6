"""A request to hand a task's lead to another agency, and what that agency answered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class TransferStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"


def _utc(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class RoutingLeadTransfer(SQLModel, table=True):
    """One transfer of a lead referral's task; it takes effect only when the receiving agency accepts."""

    __tablename__ = "routing_lead_transfers"

    transfer_id: str = Field(primary_key=True)
    case_id: str = Field(index=True)
    referral_id: str = Field(index=True, description="The lead referral handed over")
    task: str
    from_agency: str
    to_agency: str
    reason: str
    status: str
    requested_at: datetime = Field(sa_column=_utc())
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    refusal_reason: str | None = None
    new_referral_id: str | None = None
