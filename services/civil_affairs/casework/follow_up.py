"""Civil affairs follow-up steps: monitoring and visits, telling the reporter, closing the case."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.civil_affairs import CaseClosed, MonitoringStarted, ReporterInformed, VisitLogged
from contracts.events.common import Agency
from services.agency.errors import StepRefused
from services.agency.referrals.service import complete_referral
from services.agency.steps import begin_step
from services.civil_affairs.casework.models import CivilAffairsCaseFile, CivilAffairsVisit
from services.civil_affairs.casework.rules import CaseworkStep
from services.civil_affairs.casework.service import case_file_for
from services.civil_affairs.emergencies.service import open_case_referrals, open_emergencies

log = logging.getLogger(__name__)


async def start_monitoring(
    *,
    uow: UnitOfWork,
    referral_id: str,
    started_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> CivilAffairsCaseFile:
    """Put the case under monitoring: the child director visits monthly from now."""
    referral, case_file, at = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.MONITORING),
        reported=started_at,
        field="started_at",
        not_before=lambda case_file: case_file.assessed_at,
        previous_step="assessment",
        late_entry_reason=late_entry_reason,
    )
    case_file.monitoring_started_at = at
    uow.emit(
        MonitoringStarted(referral_id=referral_id, case_id=referral.case_id, started_at=at),
        subject=referral.case_id,
    )
    log.info("monitoring started", extra={"referral_id": referral_id})
    return case_file


async def log_visit(
    *,
    uow: UnitOfWork,
    referral_id: str,
    child_safe: bool,
    child_director: str | None = None,
    visited_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> CivilAffairsVisit:
    """Log a child director's (儿童主任) home visit; stops this month's visit clock and starts the next."""
    referral, case_file, at = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.VISIT),
        reported=visited_at,
        field="visited_at",
        not_before=lambda case_file: case_file.monitoring_started_at,
        previous_step="start of monitoring",
        late_entry_reason=late_entry_reason,
    )
    visit = CivilAffairsVisit(
        visit_id=str(uuid.uuid4()),
        referral_id=referral_id,
        case_id=referral.case_id,
        child_director=child_director,
        child_safe=child_safe,
        visited_at=at,
        logged_at=utcnow(),
    )
    uow.session.add(visit)
    case_file.last_visit_at = max(at, case_file.last_visit_at or at)
    uow.emit(
        VisitLogged(referral_id=referral_id, case_id=referral.case_id, child_safe=child_safe, visited_at=at),
        subject=referral.case_id,
    )
    log.info("visit logged", extra={"referral_id": referral_id})
    return visit


async def inform_reporter(*, uow: UnitOfWork, referral_id: str, message: str) -> CivilAffairsCaseFile:
    """Decide what the reporter is told of the outcome (Minors Protection Law art. 11)."""
    referral, case_file, now = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.INFORM_REPORTER),
    )
    case_file.reporter_message, case_file.reporter_informed_at = message, now
    uow.emit(
        ReporterInformed(referral_id=referral_id, case_id=referral.case_id, message=message, informed_at=now),
        subject=referral.case_id,
    )
    log.info("reporter informed", extra={"referral_id": referral_id})
    return case_file


async def close_case(
    *, uow: UnitOfWork, referral_id: str, outcome: str, despite_open_emergency: bool = False
) -> CivilAffairsCaseFile:
    """Close the case from its lead referral, which is completed with the same outcome.

    Refused while another agency's emergency referral is open, or any other agency's referral, unless a
    supervisor closes it or approves the closing (services/civil_affairs/approvals).
    """
    referral, case_file, now = await begin_step(
        uow=uow,
        agency=Agency.CIVIL_AFFAIRS,
        referral_id=referral_id,
        open_record=case_file_for(uow, CaseworkStep.CLOSE_CASE),
    )
    if not despite_open_emergency and await open_emergencies(session=uow.session, case_id=referral.case_id):
        raise StepRefused("an emergency referral of the case is still open; closing needs a supervisor")
    if not despite_open_emergency and await open_case_referrals(
        session=uow.session, case_id=referral.case_id
    ):
        raise StepRefused(
            "other agencies' referrals of the case are still open; closing needs a supervisor's approval "
            "(POST /civil_affairs/v1/referrals/{referral_id}/approvals)"
        )
    case_file.close_outcome, case_file.closed_at = outcome, now
    uow.emit(
        CaseClosed(referral_id=referral_id, case_id=referral.case_id, outcome=outcome, closed_at=now),
        subject=referral.case_id,
    )
    await complete_referral(uow=uow, agency=Agency.CIVIL_AFFAIRS, referral_id=referral_id, outcome=outcome)
    log.info("case closed", extra={"referral_id": referral_id})
    return case_file
