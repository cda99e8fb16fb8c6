"""Events published by education: keeping every child in school (控辍保学) and support."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event


class SchoolContacted(Event):
    """The school made contact with the child and family: stops education.follow_up."""

    TYPE = "education.school_contacted.v1"

    referral_id: str
    case_id: str
    school: str
    contacted_at: AwareDatetime


class ReturnPlanMade(Event):
    """A return-to-school plan for a child out of school: stops education.return_plan."""

    TYPE = "education.return_plan_made.v1"

    referral_id: str
    case_id: str
    school: str
    planned_return_date: date
    made_at: AwareDatetime


class AidEnrolled(Event):
    """The child was enrolled in a fee waiver or grant."""

    TYPE = "education.aid_enrolled.v1"

    referral_id: str
    case_id: str
    programme: Literal["fee_waiver", "grant", "living_subsidy"]
    enrolled_at: AwareDatetime


class PsychologicalSupportStarted(Event):
    """The school's psychological support began for the child."""

    TYPE = "education.psychological_support_started.v1"

    referral_id: str
    case_id: str
    started_at: AwareDatetime


for _model in (SchoolContacted, ReturnPlanMade, AidEnrolled, PsychologicalSupportStarted):
    CATALOGUE.register(_model, publishers=("education",), consumers=("routing",))
