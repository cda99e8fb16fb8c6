"""The notifications tables (created by services/notifications/migrations)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, Identity, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


def timestamp(*, nullable: bool = True) -> datetime | None:
    """A timezone-aware timestamp column (SQLModel's default drops the zone)."""
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=nullable)


class SubscriptionState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # deliveries queue up and wait; nothing is sent until resumed


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its attempt (or for an earlier delivery of its case)
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # dead-lettered: every retry of the schedule failed


class Subscription(SQLModel, table=True):
    """An agency system's webhook: where to POST which events, signed with its secret."""

    __tablename__ = "notification_subscriptions"

    id: str = Field(primary_key=True)
    agency: str
    districts: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    url: str
    event_types: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    description: str | None = None
    state: str = SubscriptionState.ACTIVE
    # Sealed with the webhook key ring (backbone/sealing.py), bound to this row and field.
    sealed_secret: str
    sealed_previous_secret: str | None = None
    previous_secret_expires_at: datetime | None = timestamp()
    created_by: str
    created_at: datetime = timestamp(nullable=False)
    updated_at: datetime = timestamp(nullable=False)


class Delivery(SQLModel, table=True):
    """One event for one subscription, and how its delivery went."""

    __tablename__ = "notification_deliveries"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    webhook_id: str
    subscription_id: str
    agency: str
    event_id: str
    event_type: str
    case_id: str
    body: str
    state: str = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime = timestamp(nullable=False)
    last_attempt_at: datetime | None = timestamp()
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = timestamp()
    failed_at: datetime | None = timestamp()
    created_at: datetime = timestamp(nullable=False)
    retry_from: datetime = timestamp(nullable=False)


class CaseAgency(SQLModel, table=True):
    """An agency holding a referral on a case, in the case's district (from referral.created or
    referrals.assigned)."""

    __tablename__ = "notification_case_agencies"

    case_id: str = Field(primary_key=True)
    agency: str = Field(primary_key=True)
    district: str
