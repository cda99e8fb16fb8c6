"""Medical protection steps (医疗保护): admission, findings, mental-health assessment, discharge."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.common import Agency
from contracts.events.health import (
    HealthAdmitted,
    HealthDischarged,
    MedicalFindingsRecorded,
    MentalHealthAssessed,
)
from services.agency.referrals.models import AgencyReferral
from services.agency.steps import begin_step
from services.health.treatment.models import HealthMentalHealthAssessment, HealthTreatment
from services.health.treatment.rules import TreatmentStep, check_treatment_step

log = logging.getLogger(__name__)
Severity = Literal["none", "minor", "serious", "critical"]
Risk = Literal["low", "moderate", "high"]
DischargedTo = Literal["guardian", "relatives", "temporary_care", "welfare_institution", "other"]


async def _treatment(uow: UnitOfWork, referral_id: str, step: TreatmentStep) -> HealthTreatment | None:
    treatment = await uow.session.get(HealthTreatment, referral_id)
    check_treatment_step(
        step, admitted=treatment is not None, discharged=bool(treatment and treatment.discharged_at)
    )
    return treatment


def _admitted(uow: UnitOfWork, step: TreatmentStep) -> Callable[[AgencyReferral], Awaitable[HealthTreatment]]:
    """Opens the child's treatment once `step` (findings, discharge) is allowed in it."""

    async def open_treatment(referral: AgencyReferral) -> HealthTreatment:
        treatment = await _treatment(uow, referral.referral_id, step)
        assert treatment is not None
        return treatment

    return open_treatment


async def admit(
    *,
    uow: UnitOfWork,
    referral_id: str,
    hospital: str,
    admitted_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> HealthTreatment:
    """Receive the child for treatment; a pending emergency referral is accepted at once (先救治后结算)."""
    referral, _, at = await begin_step(
        uow=uow,
        agency=Agency.HEALTH,
        referral_id=referral_id,
        reported=admitted_at,
        field="admitted_at",
        first_moment=True,
        late_entry_reason=late_entry_reason,
    )
    await _treatment(uow, referral_id, TreatmentStep.ADMISSION)
    treatment = HealthTreatment(
        referral_id=referral_id,
        case_id=referral.case_id,
        hospital=hospital,
        admitted_at=at,
        updated_at=utcnow(),
    )
    uow.session.add(treatment)
    uow.emit(
        HealthAdmitted(referral_id=referral_id, case_id=referral.case_id, hospital=hospital, admitted_at=at),
        subject=referral.case_id,
    )
    log.info("child admitted", extra={"referral_id": referral_id})
    return treatment


async def record_findings(
    *,
    uow: UnitOfWork,
    referral_id: str,
    injury_evidence: bool,
    severity: Severity,
    recorded_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> HealthTreatment:
    """Record medical findings (the latest replace earlier ones); injury evidence may raise the priority."""
    referral, treatment, at = await begin_step(
        uow=uow,
        agency=Agency.HEALTH,
        referral_id=referral_id,
        open_record=_admitted(uow, TreatmentStep.FINDINGS),
        reported=recorded_at,
        field="recorded_at",
        not_before=lambda treatment: treatment.admitted_at,
        previous_step="admission",
        late_entry_reason=late_entry_reason,
    )
    treatment.injury_evidence, treatment.severity, treatment.findings_at = injury_evidence, severity, at
    treatment.updated_at = utcnow()
    uow.emit(
        MedicalFindingsRecorded(
            referral_id=referral_id,
            case_id=referral.case_id,
            injury_evidence=injury_evidence,
            severity=severity,
            recorded_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("medical findings recorded", extra={"referral_id": referral_id})
    return treatment


async def assess_mental_health(
    *,
    uow: UnitOfWork,
    referral_id: str,
    risk: Risk,
    follow_up_needed: bool,
    assessed_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> HealthMentalHealthAssessment:
    """Record a mental-health assessment (心理评估), with follow-up (转诊) when needed."""
    referral, _, at = await begin_step(
        uow=uow,
        agency=Agency.HEALTH,
        referral_id=referral_id,
        reported=assessed_at,
        field="assessed_at",
        late_entry_reason=late_entry_reason,
    )
    assessment = HealthMentalHealthAssessment(
        assessment_id=str(uuid.uuid4()),
        referral_id=referral_id,
        case_id=referral.case_id,
        risk=risk,
        follow_up_needed=follow_up_needed,
        assessed_at=at,
        recorded_at=utcnow(),
    )
    uow.session.add(assessment)
    uow.emit(
        MentalHealthAssessed(
            referral_id=referral_id,
            case_id=referral.case_id,
            risk=risk,
            follow_up_needed=follow_up_needed,
            assessed_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("mental health assessed", extra={"referral_id": referral_id})
    return assessment


async def discharge(
    *,
    uow: UnitOfWork,
    referral_id: str,
    discharged_to: DischargedTo,
    discharged_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> HealthTreatment:
    """Record that the child left hospital, and to whom."""
    referral, treatment, at = await begin_step(
        uow=uow,
        agency=Agency.HEALTH,
        referral_id=referral_id,
        open_record=_admitted(uow, TreatmentStep.DISCHARGE),
        reported=discharged_at,
        field="discharged_at",
        not_before=lambda treatment: treatment.admitted_at,
        previous_step="admission",
        late_entry_reason=late_entry_reason,
    )
    treatment.discharged_to, treatment.discharged_at, treatment.updated_at = discharged_to, at, utcnow()
    uow.emit(
        HealthDischarged(
            referral_id=referral_id, case_id=referral.case_id, discharged_to=discharged_to, discharged_at=at
        ),
        subject=referral.case_id,
    )
    log.info("child discharged", extra={"referral_id": referral_id})
    return treatment
