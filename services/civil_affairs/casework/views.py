"""REST steps of civil affairs casework under `/v1/referrals/{id}/...`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from backbone.auth.guard import Access, current_access
from backbone.service import get_uow
from backbone.uow import UnitOfWork
from contracts.events.civil_affairs import AssistanceMeasure, Intervention, Placement
from services.agency.errors import STEP_REFUSALS, UNKNOWN_REFERRAL, run_step
from services.agency.referrals.schemas import Body, Label, StaffName, Text500, TimedBody
from services.civil_affairs.casework import follow_up, service

router = APIRouter(prefix="/v1/referrals", tags=["casework"])


class AssessmentBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "safety": "at_risk",
                    "guardianship": "inadequate",
                    "needs": ["living_allowance", "schooling_aid"],
                }
            ]
        }
    )

    safety: Literal["safe", "at_risk", "in_danger"] = Field(description="The child's safety now")
    guardianship: Literal["adequate", "inadequate", "absent", "harmful"] = Field(
        description="The guardians' care; inadequate, absent or harmful is a guardianship failure "
        "(监护缺失/监护不当) "
        "and starts the `guardianship.decision` deadline"
    )
    needs: list[AssistanceMeasure] = Field(
        default_factory=list, description="Support the child and family need (allowances, aid, care)"
    )
    completed_at: AwareDatetime | None = Field(
        default=None, description="When the assessment was completed; default now"
    )


class AssistancePlanBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"measures": ["living_allowance", "psychological_care"]}]}
    )

    measures: list[AssistanceMeasure] = Field(
        min_length=1,
        description="The support the child and family get (帮扶)",
    )


class InterventionBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"decision": "kinship_placement"}]})

    decision: Intervention = Field(description="The guardianship intervention decided (监护干预)")
    decided_at: AwareDatetime | None = Field(
        default=None, description="When it was decided; default now, not before the assessment"
    )


class PlacementBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"placement": "temporary_guardianship_welfare_institution", "institution": "市儿童福利院"},
                {"placement": "kinship"},
            ]
        }
    )

    placement: Placement = Field(
        description="Where the child lives now: temporary guardianship (临时监护), kinship or foster",
    )
    institution: Label | None = Field(
        default=None,
        description="The welfare institution or rescue centre; required for temporary guardianship",
    )
    placed_at: AwareDatetime | None = Field(
        default=None,
        description="When the child was placed; default now",
    )


class MonitoringBody(TimedBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{}]})

    started_at: AwareDatetime | None = Field(
        default=None, description="When monitoring began; default now, not before the assessment"
    )


class VisitBody(TimedBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"child_safe": True, "child_director": "张主任"}]}
    )

    child_safe: bool = Field(description="Whether the child director found the child safe")
    child_director: StaffName | None = Field(
        default=None,
        description="The child director (儿童主任) who visited",
    )
    visited_at: AwareDatetime | None = Field(
        default=None, description="When the home visit was made; default now, not before monitoring began"
    )


class InformReporterBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"message": "感谢您的报告。孩子已得到妥善照顾，相关部门正在跟进。"}]}
    )

    message: Text500 = Field(
        description="What the reporter is told of the outcome; no personal data of the child",
    )


class CloseCaseBody(Body):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "Child placed with relatives; assistance in place"}]}
    )

    outcome: Text500 = Field(description="How the case ended; the lead referral is completed with it")


class CaseFileView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    referral_id: str = Field(description="The civil affairs referral the case file belongs to")
    case_id: str = Field(description="The case (个案)")
    safety: str | None = Field(description="The assessed safety of the child")
    guardianship: str | None = Field(description="The assessed guardianship")
    guardianship_failure: bool | None = Field(
        description="Whether the assessment found a guardianship failure",
    )
    needs: list[str] | None = Field(description="The needs the assessment found")
    assessed_at: datetime | None = Field(
        description="When the assessment was completed: this stopped `assessment`",
    )
    measures: list[str] | None = Field(description="The assistance plan's measures")
    planned_at: datetime | None = Field(description="When the assistance plan was made")
    intervention: str | None = Field(description="The guardianship intervention decided")
    intervention_decided_at: datetime | None = Field(
        description="When it was decided: this stopped `guardianship.decision`"
    )
    placement: str | None = Field(description="Where the child is placed")
    institution: str | None = Field(description="The institution of a temporary guardianship placement")
    placed_at: datetime | None = Field(
        description="When the child was placed: this stopped `civil_affairs.placement`",
    )
    monitoring_started_at: datetime | None = Field(description="When the case went under monitoring")
    last_visit_at: datetime | None = Field(description="The latest child director's home visit")
    reporter_informed_at: datetime | None = Field(
        description="When the reporter was told the outcome: this stopped `reporter.feedback`"
    )
    close_outcome: str | None = Field(description="How the case ended")
    closed_at: datetime | None = Field(description="When the case was closed")


class VisitView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    visit_id: str = Field(description="The visit's id")
    referral_id: str = Field(description="The civil affairs referral")
    child_director: str | None = Field(description="The child director (儿童主任) who visited")
    child_safe: bool = Field(description="Whether the child was found safe")
    visited_at: datetime = Field(description="When the home visit was made")


@router.get(
    "/{referral_id}/case-file",
    summary="Read the case file of a referral",
    description="Everything civil affairs recorded on the referral so far: assessment, assistance plan, "
    "intervention, "
    "placement, monitoring and visits, what the reporter was told, and the closing. 404 until a first step "
    "is recorded.",
    responses=UNKNOWN_REFERRAL,
)
async def show_case_file(referral_id: str, uow: UnitOfWork = Depends(get_uow)) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.get_case_file(uow=uow, referral_id=referral_id),
        CaseFileView.model_validate,
        commit=False,
    )


@router.post(
    "/{referral_id}/assessment",
    summary="Complete the assessment (评估)",
    description="The lead's assessment of the child's safety, guardianship and needs on an accepted "
    "referral, once: "
    "`civil_affairs.assessment_completed` stops the `assessment` deadline; a guardianship failure "
    "(inadequate, absent, harmful) starts `guardianship.decision` and must get an intervention before the "
    "referral completes.",
    responses=STEP_REFUSALS,
)
async def assessment(
    referral_id: str, body: AssessmentBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.assess(
            uow=uow,
            referral_id=referral_id,
            safety=body.safety,
            guardianship=body.guardianship,
            needs=body.needs,
            completed_at=body.completed_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/assistance-plan",
    summary="Make the assistance plan (帮扶)",
    description="After the assessment: enrol child and family in support — allowances, relief, medical, "
    "school and "
    "legal aid, rehabilitation, psychological care (`civil_affairs.assistance_planned`). A later plan "
    "replaces the earlier one. Starts or stops no deadline.",
    responses=STEP_REFUSALS,
)
async def assistance_plan(
    referral_id: str, body: AssistancePlanBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.plan_assistance(uow=uow, referral_id=referral_id, measures=body.measures),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/intervention",
    summary="Decide the guardianship intervention (监护干预)",
    description="After the assessment, once: temporary guardianship, kinship or foster placement, an "
    "application to the "
    "court to revoke guardianship, long-term state guardianship, or none. "
    "`civil_affairs.intervention_decided` stops the `guardianship.decision` deadline.",
    responses=STEP_REFUSALS,
)
async def intervention(
    referral_id: str, body: InterventionBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.decide_intervention(
            uow=uow,
            referral_id=referral_id,
            intervention=body.decision,
            decided_at=body.decided_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/placement",
    summary="Record the child's placement",
    description="Where the child now lives: temporary guardianship (临时监护) in a welfare institution or "
    "rescue centre "
    "(name it), with relatives or a foster family; may come before the assessment, since the child cannot "
    "wait. `civil_affairs.placement_recorded` stops `civil_affairs.placement`; a move replaces the earlier "
    "placement.",
    responses=STEP_REFUSALS,
)
async def placement(
    referral_id: str, body: PlacementBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: service.record_placement(
            uow=uow,
            referral_id=referral_id,
            placement=body.placement,
            institution=body.institution,
            placed_at=body.placed_at,
            late_entry_reason=body.late_entry_reason,
        ),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/monitoring",
    summary="Put the case under monitoring",
    description="After the assessment, once: the case is under monitoring and the child director "
    "(儿童主任) visits "
    "monthly. `civil_affairs.monitoring_started` starts the `child_director.visit` deadline and marks the "
    "case under_monitoring. The body is optional (without a time, now).",
    responses=STEP_REFUSALS,
)
async def monitoring(
    referral_id: str, body: MonitoringBody | None = None, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    started_at, late_entry_reason = (body.started_at, body.late_entry_reason) if body else (None, None)
    return await run_step(
        uow,
        lambda: follow_up.start_monitoring(
            uow=uow, referral_id=referral_id, started_at=started_at, late_entry_reason=late_entry_reason
        ),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/visits",
    status_code=201,
    summary="Log a child director's home visit",
    description="A home visit (入户走访) to a child under monitoring, and whether the child was safe: "
    "`civil_affairs.visit_logged` stops this month's `child_director.visit` deadline and starts the next.",
    responses=STEP_REFUSALS,
)
async def visits(referral_id: str, body: VisitBody, uow: UnitOfWork = Depends(get_uow)) -> VisitView:
    return await run_step(
        uow,
        lambda: follow_up.log_visit(
            uow=uow,
            referral_id=referral_id,
            child_safe=body.child_safe,
            child_director=body.child_director,
            visited_at=body.visited_at,
            late_entry_reason=body.late_entry_reason,
        ),
        VisitView.model_validate,
    )


@router.post(
    "/{referral_id}/inform-reporter",
    summary="Tell the reporter the outcome",
    description="What the reporters are told of the outcome (Minors Protection Law art. 11): intake "
    "records it against every report of the case. `civil_affairs.reporter_informed` stops the "
    "`reporter.feedback` deadline.",
    responses=STEP_REFUSALS,
)
async def inform_reporter(
    referral_id: str, body: InformReporterBody, uow: UnitOfWork = Depends(get_uow)
) -> CaseFileView:
    return await run_step(
        uow,
        lambda: follow_up.inform_reporter(uow=uow, referral_id=referral_id, message=body.message),
        CaseFileView.model_validate,
    )


@router.post(
    "/{referral_id}/close-case",
    summary="Close the case",
    description="From the lead referral only: `civil_affairs.case_closed` closes the case everywhere (its "
    "open deadlines "
    "are cancelled) and the lead referral is completed with the same outcome. Refused while a "
    "guardianship failure has no intervention, and while another agency's emergency referral is open "
    "unless a supervisor closes it.",
    responses=STEP_REFUSALS,
)
async def close_case(
    referral_id: str,
    body: CloseCaseBody,
    uow: UnitOfWork = Depends(get_uow),
    access: Access = Depends(current_access),
) -> CaseFileView:
    """Close the case (lead agency); while an emergency referral is open, only a supervisor may."""
    return await run_step(
        uow,
        lambda: follow_up.close_case(
            uow=uow,
            referral_id=referral_id,
            outcome=body.outcome,
            despite_open_emergency=access.may("close_with_open_emergency"),
        ),
        CaseFileView.model_validate,
    )
