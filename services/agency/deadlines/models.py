"""One row per deadline the agency is accountable for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class AgencySlaClock(SQLModel, table=True):
    __tablename__ = "agency_sla_clocks"

    id: int | None = Field(default=None, primary_key=True)
    clock: str
    subject_id: str
    case_id: str
    state: str  # running | paused | breached | met | met_late | cancelled
    warned: bool = False
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    due_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    stopped_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    breached_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    escalated_to: str | None = None
    # When the referral's hold paused it (state paused).
    paused_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # The due time counts working days of a year with no holiday calendar file yet.
    due_provisional: bool = False
    # The target it runs to (calendar kind and business time), to recompute the due time.
    target_calendar: str | None = None
    target_seconds: float | None = None
    policy_version: str
