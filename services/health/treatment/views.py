"""REST steps of medical protection under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.agency.errors import run_step
from services.agency.referrals.schemas import Label, TimedBody
from services.health.treatment import service
from services.health.treatment.service import DischargedTo, Risk, Severity

router = APIRouter(prefix="/v1/referrals", tags=["medical protection"])


class AdmissionBody(TimedBody):
    hospital: Label
    admitted_at: AwareDatetime | None = None


class FindingsBody(TimedBody):
    injury_evidence: bool
    severity: Severity
    recorded_at: AwareDatetime | None = None


class MentalHealthBody(TimedBody):
    risk: Risk
    follow_up_needed: bool
    assessed_at: AwareDatetime | None = None


class DischargeBody(TimedBody):
    discharged_to: DischargedTo
    discharged_at: AwareDatetime | None = None


class TreatmentView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str
    case_id: str
    hospital: str
    admitted_at: datetime
    injury_evidence: bool | None
    severity: Severity | None
    findings_at: datetime | None
    discharged_to: DischargedTo | None
    discharged_at: datetime | None


class MentalHealthView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    assessment_id: str
    referral_id: str
    risk: Risk
    follow_up_needed: bool
    assessed_at: datetime


@router.post("/{referral_id}/admission")
async def admission(
    referral_id: str, body: AdmissionBody, uow: UnitOfWork = Depends(get_uow)
) -> TreatmentView:
    return await run_step(
        uow,
        lambda: service.admit(
            uow=uow,
            referral_id=referral_id,
            hospital=body.hospital,
            admitted_at=body.admitted_at,
            late_entry_reason=body.late_entry_reason,
        ),
        TreatmentView.model_validate,
    )


@router.post("/{referral_id}/findings")
async def findings(referral_id: str, body: FindingsBody, uow: UnitOfWork = Depends(get_uow)) -> TreatmentView:
    return await run_step(
        uow,
        lambda: service.record_findings(
            uow=uow,
            referral_id=referral_id,
            injury_evidence=body.injury_evidence,
            severity=body.severity,
            recorded_at=body.recorded_at,
            late_entry_reason=body.late_entry_reason,
        ),
        TreatmentView.model_validate,
    )


@router.post("/{referral_id}/mental-health-assessment")
async def mental_health_assessment(
    referral_id: str, body: MentalHealthBody, uow: UnitOfWork = Depends(get_uow)
) -> MentalHealthView:
    return await run_step(
        uow,
        lambda: service.assess_mental_health(
            uow=uow,
            referral_id=referral_id,
            risk=body.risk,
            follow_up_needed=body.follow_up_needed,
            assessed_at=body.assessed_at,
            late_entry_reason=body.late_entry_reason,
        ),
        MentalHealthView.model_validate,
    )


@router.post("/{referral_id}/discharge")
async def discharge(
    referral_id: str, body: DischargeBody, uow: UnitOfWork = Depends(get_uow)
) -> TreatmentView:
    return await run_step(
        uow,
        lambda: service.discharge(
            uow=uow,
            referral_id=referral_id,
            discharged_to=body.discharged_to,
            discharged_at=body.discharged_at,
            late_entry_reason=body.late_entry_reason,
        ),
        TreatmentView.model_validate,
    )
