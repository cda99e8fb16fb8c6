"""Routing's tables: one case per child file, its reports, referrals, priority history and timeline.

Routing holds no personal data beyond the masked display name, gender and age intake shares.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, Identity, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class CaseStatus(StrEnum):
    OPEN = "open"
    UNDER_MONITORING = "under_monitoring"
    CLOSED = "closed"


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"


# Referrals an agency still holds: a new referral for the same task would duplicate work.
OPEN_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.ON_HOLD)


def _utc(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class RoutingCase(SQLModel, table=True):
    """A case (个案) and the union of the facts triage has seen about it."""

    __tablename__ = "routing_cases"

    case_id: str = Field(primary_key=True)
    child_id: str = Field(index=True)
    child_display_name: str
    child_gender: str
    child_age_years: int | None = None
    district: str
    area: str
    source: str
    categories: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    immediate_danger: bool
    injured: bool
    priority: str = Field(index=True)
    priority_reasons: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    rule_version: str
    status: str = Field(index=True)
    opened_at: datetime = Field(sa_column=_utc())
    updated_at: datetime = Field(sa_column=_utc())


class RoutingCaseReport(SQLModel, table=True):
    """A report that opened or joined a case; the report id makes a replayed report a no-op."""

    __tablename__ = "routing_case_reports"

    report_id: str = Field(primary_key=True)
    case_id: str = Field(index=True)
    event_id: str
    new_case: bool
    corroborates_report_id: str | None = None
    categories: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    received_at: datetime = Field(sa_column=_utc())


class RoutingReferral(SQLModel, table=True):
    """A task handed to an agency (转介); `origin_key` names what made it, so it is made only once."""

    __tablename__ = "routing_referrals"

    referral_id: str = Field(primary_key=True)
    # Creation order; referrals are only ever inserted through `store.insert_referral`.
    seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(), nullable=False, unique=True)
    )
    origin_key: str = Field(unique=True)
    case_id: str = Field(index=True)
    agency: str = Field(index=True)
    task: str
    role: str
    priority: str
    emergency: bool
    rule_version: str
    reason: str
    replaces_referral_id: str | None = None
    status: str
    created_at: datetime = Field(sa_column=_utc())
    accepted_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    declined_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    escalated_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    escalation_reason: str | None = None
    decline_reason_code: str | None = None
    held_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    withdrawn_by: str | None = None


class RoutingPriorityChange(SQLModel, table=True):
    """The case's priority over time: the triage that set it, then every raise with its reasons."""

    __tablename__ = "routing_priority_changes"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    case_id: str = Field(index=True)
    previous_priority: str | None = None
    priority: str
    cause: str
    reasons: list[str] = Field(sa_column=Column(JSONB, nullable=False))
    rule_version: str
    event_id: str
    changed_at: datetime = Field(sa_column=_utc())


class RoutingTimelineEntry(SQLModel, table=True):
    """The case's event log: each envelope about a case routing consumed or emitted, once, in the order
    routing applied it; append-only. The timeline is rendered from `data` when read (`timeline.render`).
    """

    __tablename__ = "routing_timeline"
    __table_args__ = (UniqueConstraint("event_id", name="routing_timeline_event"),)

    seq: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    case_id: str = Field(index=True)
    event_id: str
    event_type: str
    source: str
    time: datetime = Field(sa_column=_utc())
    # The envelope's data; null only on rows written before routing_0004, which hold their rendered line.
    data: dict | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    occurred_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    referral_id: str | None = None
    summary: str | None = None
