"""Civil affairs' case file per referral (一人一档, dynamically managed) and the child director's visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class CivilAffairsCaseFile(SQLModel, table=True):
    """Assessment, assistance, guardianship intervention, placement, monitoring, feedback and closing."""

    __tablename__ = "civil_affairs_case_files"

    referral_id: str = Field(primary_key=True)
    case_id: str
    safety: str | None = None
    guardianship: str | None = None
    guardianship_failure: bool | None = None
    needs: list[str] | None = Field(default=None, sa_column=Column(ARRAY(Text)))
    assessed_at: datetime | None = timestamp()
    measures: list[str] | None = Field(default=None, sa_column=Column(ARRAY(Text)))
    planned_at: datetime | None = timestamp()
    intervention: str | None = None
    intervention_decided_at: datetime | None = timestamp()
    placement: str | None = None
    institution: str | None = None
    placed_at: datetime | None = timestamp()
    monitoring_started_at: datetime | None = timestamp()
    last_visit_at: datetime | None = timestamp()
    reporter_message: str | None = None
    reporter_informed_at: datetime | None = timestamp()
    close_outcome: str | None = None
    closed_at: datetime | None = timestamp()
    updated_at: datetime = timestamp(nullable=False)


class CivilAffairsVisit(SQLModel, table=True):
    """A child director's (儿童主任) home visit to a child under monitoring."""

    __tablename__ = "civil_affairs_visits"

    visit_id: str = Field(primary_key=True)
    referral_id: str
    case_id: str
    child_director: str | None = None
    child_safe: bool
    visited_at: datetime = timestamp(nullable=False)
    logged_at: datetime = timestamp(nullable=False)
