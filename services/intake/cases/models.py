"""Intake's cases (an incident in a child's file) and what reporters were told about them."""

from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Identity, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class IntakeCase(SQLModel, table=True):
    """One incident concerning one child; later reports of the same incident join it."""

    __tablename__ = "intake_cases"
    __table_args__ = (
        Index("intake_cases_open_by_child", "child_id", postgresql_where=text("closed_at IS NULL")),
    )

    case_id: str = Field(primary_key=True)
    child_id: str = Field(foreign_key="children.child_id")
    first_report_id: str
    categories: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    incident_occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    opened_at: datetime = Field(sa_type=DateTime(timezone=True))
    monitoring_started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    closing_outcome: str | None = None


class ReporterFeedback(SQLModel, table=True):
    """What a report's reporter is told of the outcome (Minors Protection Law art. 11)."""

    __tablename__ = "reporter_feedback"
    __table_args__ = (UniqueConstraint("report_id", "source_event_id", name="reporter_feedback_once"),)

    feedback_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    report_id: str = Field(foreign_key="reports.report_id", index=True)
    case_id: str
    referral_id: str
    message: str
    # pending: intake is to pass it on; not_requested: the reporter asked for no feedback;
    # no_contact: the report came from an agency (police) with no reporter contact to tell.
    delivery: str
    informed_at: datetime = Field(sa_type=DateTime(timezone=True))
    recorded_at: datetime = Field(sa_type=DateTime(timezone=True))
    source_event_id: str
