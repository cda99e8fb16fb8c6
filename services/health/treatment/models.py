"""Health's records of a referred child: treatment in hospital and mental-health assessments."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class HealthTreatment(SQLModel, table=True):
    """One treatment per referral: admission (首诊负责), the latest findings, discharge."""

    __tablename__ = "health_treatments"

    referral_id: str = Field(primary_key=True)
    case_id: str
    hospital: str
    admitted_at: datetime = timestamp(nullable=False)
    injury_evidence: bool | None = None
    severity: str | None = None
    findings_at: datetime | None = timestamp()
    discharged_to: str | None = None
    discharged_at: datetime | None = timestamp()
    updated_at: datetime = timestamp(nullable=False)


class HealthMentalHealthAssessment(SQLModel, table=True):
    """A mental-health assessment (心理评估); a referral may have several over time."""

    __tablename__ = "health_mental_health_assessments"

    assessment_id: str = Field(primary_key=True)
    referral_id: str
    case_id: str
    risk: str
    follow_up_needed: bool
    assessed_at: datetime = timestamp(nullable=False)
    recorded_at: datetime = timestamp(nullable=False)
