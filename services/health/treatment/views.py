"""REST steps of medical protection under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from backbone.service import get_uow
from backbone.uow import UnitOfWork
from services.agency.errors import STEP_REFUSALS, run_step
from services.agency.referrals.schemas import Label, TimedBody
from services.health.treatment import service
from services.health.treatment.service import DischargedTo, Risk, Severity

router = APIRouter(prefix="/v1/referrals", tags=["medical protection"])


class AdmissionBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"hospital": "市人民医院 儿科急诊"}]})

    hospital: Label = Field(description="The hospital (and ward) that admitted the child")
    admitted_at: AwareDatetime | None = Field(
        default=None,
        description="When the child was admitted; default now",
    )


class FindingsBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"injury_evidence": True, "severity": "serious"}]}
    )

    injury_evidence: bool = Field(
        description="Whether the injuries are evidence of harm (may raise the priority)",
    )
    severity: Severity = Field(description="none, minor, serious or critical")
    recorded_at: AwareDatetime | None = Field(
        default=None, description="When the findings were recorded; default now, not before admission"
    )


class MentalHealthBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"risk": "moderate", "follow_up_needed": True}]}
    )

    risk: Risk = Field(description="The assessed mental-health risk: low, moderate or high")
    follow_up_needed: bool = Field(description="Whether the child needs follow-up care (转诊)")
    assessed_at: AwareDatetime | None = Field(
        default=None,
        description="When the assessment was made; default now",
    )


class DischargeBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"discharged_to": "relatives"}]})

    discharged_to: DischargedTo = Field(
        description="Into whose care: guardian, relatives, temporary_care, welfare_institution or other"
    )
    discharged_at: AwareDatetime | None = Field(
        default=None, description="When the child left hospital; default now, not before admission"
    )


class TreatmentView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str = Field(description="The health referral")
    case_id: str = Field(description="The case (个案) of the referral")
    hospital: str = Field(description="The hospital that admitted the child")
    admitted_at: datetime = Field(description="When the child was admitted: this stopped `health.admission`")
    injury_evidence: bool | None = Field(description="Whether the latest findings show evidence of harm")
    severity: Severity | None = Field(description="The latest findings' severity")
    findings_at: datetime | None = Field(description="When the latest findings were recorded")
    discharged_to: DischargedTo | None = Field(description="Into whose care the child was discharged")
    discharged_at: datetime | None = Field(description="When the child left hospital")


class MentalHealthView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    assessment_id: str = Field(description="The assessment's id; a child may be assessed more than once")
    referral_id: str = Field(description="The health referral")
    risk: Risk = Field(description="The assessed mental-health risk")
    follow_up_needed: bool = Field(description="Whether the child needs follow-up care")
    assessed_at: datetime = Field(description="When the assessment was made")


@router.post(
    "/{referral_id}/admission",
    summary="Admit the child (首诊负责制，先救治后结算)",
    description="The hospital takes the child in first and settles costs later: `health.admitted` stops the "
    "`health.admission` deadline. An emergency or P1 referral still pending is accepted (受理) on the spot "
    "at the admission time; any other must be accepted first. Admission is recorded once.",
    responses=STEP_REFUSALS,
)
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


@router.post(
    "/{referral_id}/findings",
    summary="Record medical findings",
    description="After admission: whether the injuries are evidence of harm and how severe. "
    "`health.findings_recorded` goes to routing, which may raise the case's priority on evidence "
    "of harm (more on a serious injury). Later findings replace earlier ones.",
    responses=STEP_REFUSALS,
)
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


@router.post(
    "/{referral_id}/mental-health-assessment",
    summary="Record a mental-health assessment (心理评估)",
    description="A mental-health assessment of the child on an accepted referral, admitted or not: risk and "
    "whether follow-up care is needed (`health.mental_health_assessed`). Each assessment is kept. Starts or "
    "stops no deadline.",
    responses=STEP_REFUSALS,
)
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


@router.post(
    "/{referral_id}/discharge",
    summary="Discharge the child",
    description="The child leaves hospital, into whose care (`health.discharged`); recorded once, after "
    "admission; it shows on the case's timeline. The referral may then be completed.",
    responses=STEP_REFUSALS,
)
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
