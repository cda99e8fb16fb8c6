"""Civil affairs casework: assessment (评估), assistance (帮扶), guardianship intervention (监护干预)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.civil_affairs import (
    AssessmentCompleted,
    AssistanceMeasure,
    AssistancePlanned,
    Intervention,
    InterventionDecided,
    Placement,
    PlacementRecorded,
)
from contracts.events.common import Agency, Role
from services.agency.errors import ReferralNotFound, StepRefused
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.service import get_referral
from services.agency.steps import begin_step
from services.civil_affairs.casework.models import CivilAffairsCaseFile
from services.civil_affairs.casework.rules import (
    CaseworkStep,
    FileState,
    check_casework_step,
    check_completion,
    check_placement,
    guardianship_failure,
)

log = logging.getLogger(__name__)


async def get_case_file(*, uow: UnitOfWork, referral_id: str) -> CivilAffairsCaseFile:
    """The case file of a referral in the inbox (404 while nothing is recorded on it)."""
    await get_referral(session=uow.session, referral_id=referral_id)
    case_file = await uow.session.get(CivilAffairsCaseFile, referral_id)
    if case_file is None:
        raise ReferralNotFound("nothing is recorded yet on this referral")
    return case_file


def _state(case_file: CivilAffairsCaseFile | None) -> FileState:
    if case_file is None:
        return FileState()
    return FileState(
        assessed=case_file.assessed_at is not None,
        guardianship_failure=bool(case_file.guardianship_failure),
        intervention_decided=case_file.intervention_decided_at is not None,
        monitoring=case_file.monitoring_started_at is not None,
    )


async def check_file_complete(uow: UnitOfWork, referral: AgencyReferral) -> None:
    """Completion guard of the civil-affairs inbox: a guardianship failure needs its intervention first."""
    check_completion(_state(await uow.session.get(CivilAffairsCaseFile, referral.referral_id)))


async def check_step_allowed(*, uow: UnitOfWork, referral: AgencyReferral, step: CaseworkStep) -> None:
    """StepRefused unless the casework step may be recorded on the referral's file now."""
    case_file = await uow.session.get(CivilAffairsCaseFile, referral.referral_id)
    check_casework_step(step, _state(case_file), role=Role(referral.role))


def case_file_for(
    uow: UnitOfWork, step: CaseworkStep
) -> Callable[[AgencyReferral], Awaitable[CivilAffairsCaseFile]]:
    """Opens the referral's case file (created on first use) once the step is allowed."""

    async def open_case_file(referral: AgencyReferral) -> CivilAffairsCaseFile:
        case_file = await uow.session.get(CivilAffairsCaseFile, referral.referral_id)
        check_casework_step(step, _state(case_file), role=Role(referral.role))
        if case_file is None:
            case_file = CivilAffairsCaseFile(
                referral_id=referral.referral_id, case_id=referral.case_id, updated_at=utcnow()
            )
            uow.session.add(case_file)
        case_file.updated_at = utcnow()
        return case_file

    return open_case_file


async def assess(
    *,
    uow: UnitOfWork,
    referral_id: str,
    safety: str,
    guardianship: str,
    needs: list[AssistanceMeasure],
    completed_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> CivilAffairsCaseFile:
    """Complete the assessment of safety, guardianship and needs (guardianship failure derived)."""
    referral, case_file, at = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.ASSESSMENT),
        reported=completed_at,
        field="completed_at",
        late_entry_reason=late_entry_reason,
    )
    failure = guardianship_failure(guardianship)
    case_file.safety, case_file.guardianship, case_file.guardianship_failure = safety, guardianship, failure
    case_file.needs, case_file.assessed_at = [n.value for n in needs], at
    uow.emit(
        AssessmentCompleted(
            referral_id=referral_id,
            case_id=referral.case_id,
            safety=safety,
            guardianship=guardianship,
            guardianship_failure=failure,
            needs=needs,
            completed_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("assessment completed", extra={"referral_id": referral_id})
    return case_file


async def plan_assistance(
    *, uow: UnitOfWork, referral_id: str, measures: list[AssistanceMeasure]
) -> CivilAffairsCaseFile:
    """Enrol child and family in support (帮扶); a later plan replaces the earlier one."""
    referral, case_file, now = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.ASSISTANCE_PLAN),
    )
    case_file.measures, case_file.planned_at = [m.value for m in measures], now
    uow.emit(
        AssistancePlanned(
            referral_id=referral_id, case_id=referral.case_id, measures=measures, planned_at=now
        ),
        subject=referral.case_id,
    )
    log.info("assistance planned", extra={"referral_id": referral_id})
    return case_file


async def decide_intervention(
    *,
    uow: UnitOfWork,
    referral_id: str,
    intervention: Intervention,
    decided_at: datetime | None = None,
    late_entry_reason: str | None = None,
    approved: bool = False,
) -> CivilAffairsCaseFile:
    """Decide the guardianship intervention (监护干预); stops guardianship.decision.

    An application to the court to revoke guardianship is decided only by a supervisor's approval.
    """
    if intervention is Intervention.COURT_REVOCATION_APPLICATION and not approved:
        raise StepRefused(
            "an application to the court to revoke guardianship needs a supervisor's approval "
            "(POST /civil_affairs/v1/referrals/{referral_id}/approvals)"
        )
    referral, case_file, at = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.INTERVENTION),
        reported=decided_at,
        field="decided_at",
        not_before=lambda case_file: case_file.assessed_at,
        previous_step="assessment",
        late_entry_reason=late_entry_reason,
    )
    case_file.intervention, case_file.intervention_decided_at = intervention.value, at
    uow.emit(
        InterventionDecided(
            referral_id=referral_id, case_id=referral.case_id, intervention=intervention, decided_at=at
        ),
        subject=referral.case_id,
    )
    log.info("intervention decided", extra={"referral_id": referral_id})
    return case_file


async def record_placement(
    *,
    uow: UnitOfWork,
    referral_id: str,
    placement: Placement,
    institution: str | None = None,
    placed_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> CivilAffairsCaseFile:
    """Record where the child is placed (临时监护, kinship, foster); a move replaces the earlier placement."""
    check_placement(placement, institution)
    referral, case_file, at = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.PLACEMENT),
        reported=placed_at,
        field="placed_at",
        late_entry_reason=late_entry_reason,
    )
    case_file.placement, case_file.institution, case_file.placed_at = placement.value, institution, at
    uow.emit(
        PlacementRecorded(
            referral_id=referral_id,
            case_id=referral.case_id,
            placement=placement,
            institution=institution,
            placed_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("placement recorded", extra={"referral_id": referral_id})
    return case_file
