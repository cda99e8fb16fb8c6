"""Reports as intake holds them, their reporters' contacts, and the answers given per idempotency key."""

from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Column, DateTime, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Report(SQLModel, table=True):
    """One report (强制报告 / 来电) about one child; identities live in the child's file."""

    __tablename__ = "reports"

    report_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id", index=True)
    case_id: str = Field(foreign_key="intake_cases.case_id", index=True)
    corroborates_report_id: str | None = Field(default=None, foreign_key="reports.report_id")
    source: str
    categories: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    description: str
    occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
    location_district: str
    location_address: str | None = None
    area: str
    immediate_danger: bool
    injured: bool
    suspected_offender_relation: str | None = None
    child_age_years: int | None = None
    # The event a report was made from (police children without care), None for submitted reports.
    source_event_id: str | None = None
    # The client that submitted it (None: made from another service's event).
    submitted_by: str | None = None


class ReporterContact(SQLModel, table=True):
    """How to reach a report's reporter; stored by intake only."""

    __tablename__ = "reporter_contacts"

    report_id: str = Field(primary_key=True, foreign_key="reports.report_id")
    name: str
    organization: str | None = None
    phone: str
    wants_feedback: bool


class ReportIdempotencyKey(SQLModel, table=True):
    """The first answer given to a request carrying an `Idempotency-Key`; the key is the primary key."""

    __tablename__ = "report_idempotency_keys"

    idempotency_key: str = Field(primary_key=True)
    request_fingerprint: str
    status_code: int | None = None
    response: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
