"""Reports as intake holds them, their reporters' contacts, and the answers given per idempotency key."""

from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Column, DateTime, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class Report(SQLModel, table=True):
    """One report (强制报告 / 来电) about one child; identities live in the child's file.

    The description and the address are free text that may name people: both are sealed.
    """

    __tablename__ = "reports"

    report_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id", index=True)
    case_id: str = Field(foreign_key="intake_cases.case_id", index=True)
    corroborates_report_id: str | None = Field(default=None, foreign_key="reports.report_id")
    source: str
    categories: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    sealed_description: str
    occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
    location_district: str
    sealed_location_address: str | None = None
    area: str
    immediate_danger: bool
    injured: bool
    suspected_offender_relation: str | None = None
    child_age_years: int | None = None
    # The event a report was made from (police children without care), None for submitted reports.
    source_event_id: str | None = None
    # The client that submitted it (None: made from another service's event).
    submitted_by: str | None = None
    # The police detention the child was reported with (POST /intake/v1/detentions).
    detention_id: str | None = Field(default=None, foreign_key="intake_detentions.detention_id", index=True)


class ReporterContact(SQLModel, table=True):
    """How to reach a report's reporter; stored by intake only, sealed."""

    __tablename__ = "reporter_contacts"

    report_id: str = Field(primary_key=True, foreign_key="reports.report_id")
    sealed_name: str
    sealed_organization: str | None = None
    sealed_phone: str
    wants_feedback: bool


class ReportIdempotencyKey(SQLModel, table=True):
    """The first answer given to a request carrying an `Idempotency-Key`; the key is the primary key."""

    __tablename__ = "report_idempotency_keys"

    idempotency_key: str = Field(primary_key=True)
    request_fingerprint: str
    status_code: int | None = None
    response: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB))
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
