"""Education's follow-up of a referred child (控辍保学): contact, return plan, aid, support."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.agency.referrals.models import timestamp


class EducationFollowUp(SQLModel, table=True):
    """One follow-up per referral, created by its first step."""

    __tablename__ = "education_follow_ups"

    referral_id: str = Field(primary_key=True)
    case_id: str
    school: str | None = None
    contacted_at: datetime | None = timestamp()
    return_school: str | None = None
    planned_return_date: date | None = None
    plan_made_at: datetime | None = timestamp()
    psychological_support_started_at: datetime | None = timestamp()
    updated_at: datetime = timestamp(nullable=False)


class EducationAidEnrolment(SQLModel, table=True):
    """A fee waiver, grant or living subsidy the child was enrolled in."""

    __tablename__ = "education_aid_enrolments"

    referral_id: str = Field(primary_key=True)
    programme: str = Field(primary_key=True)
    case_id: str
    enrolled_at: datetime = timestamp(nullable=False)
