"""Events published by health: medical protection (医疗保护)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime

from contracts.catalogue import CATALOGUE
from contracts.envelope import Event


class HealthAdmitted(Event):
    """The child was received for treatment (首诊负责, 先救治后结算): stops health.admission."""

    TYPE = "health.admitted.v1"

    referral_id: str
    case_id: str
    hospital: str
    admitted_at: AwareDatetime


class MedicalFindingsRecorded(Event):
    """Medical findings, including evidence of injury (which may raise the priority)."""

    TYPE = "health.findings_recorded.v1"

    referral_id: str
    case_id: str
    injury_evidence: bool
    severity: Literal["none", "minor", "serious", "critical"]
    recorded_at: AwareDatetime


class MentalHealthAssessed(Event):
    """A mental-health assessment (心理评估), with referral on (转诊) when needed."""

    TYPE = "health.mental_health_assessed.v1"

    referral_id: str
    case_id: str
    risk: Literal["low", "moderate", "high"]
    follow_up_needed: bool
    assessed_at: AwareDatetime


class HealthDischarged(Event):
    """The child left hospital."""

    TYPE = "health.discharged.v1"

    referral_id: str
    case_id: str
    discharged_to: Literal["guardian", "relatives", "temporary_care", "welfare_institution", "other"]
    discharged_at: AwareDatetime


for _model in (HealthAdmitted, MedicalFindingsRecorded, MentalHealthAssessed, HealthDischarged):
    CATALOGUE.register(_model, publishers=("health",), consumers=("routing",))
