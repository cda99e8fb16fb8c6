"""Intake's event handlers: police children without care, reporter feedback and case closing.

The consumer opens the unit of work, records the event in the inbox and commits; handlers never do.
"""

from __future__ import annotations

import logging

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.civil_affairs import CaseClosed, MonitoringStarted, ReporterInformed
from contracts.events.intake import ReporterFeedbackRecorded
from contracts.events.police import ChildrenWithoutCareFound
from services.intake.cases.service import close_case, record_reporter_feedback, start_monitoring
from services.intake.reports.police import police_reports
from services.intake.reports.service import receive_report

log = logging.getLogger(__name__)


async def handle_children_without_care_found(
    event: ChildrenWithoutCareFound, envelope: CloudEvent, uow: UnitOfWork
) -> None:
    """One report per child the police found without care, each announced as report.received."""
    for report in police_reports(event, event_id=envelope.id, now=utcnow()):
        await receive_report(uow=uow, report=report)
    log.info(
        "police children without care reported",
        extra={"detention_id": event.detention_id, "event_id": envelope.id, "children": len(event.children)},
    )


async def handle_reporter_informed(event: ReporterInformed, envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Record against every report of the case what its reporter is told, and say so."""
    recorded_at = utcnow()
    report_ids = await record_reporter_feedback(
        session=uow.session,
        case_id=event.case_id,
        referral_id=event.referral_id,
        message=event.message,
        informed_at=event.informed_at,
        source_event_id=envelope.id,
        at=recorded_at,
    )
    uow.emit(
        ReporterFeedbackRecorded(case_id=event.case_id, report_ids=report_ids, recorded_at=recorded_at),
        subject=event.case_id,
    )
    log.info("reporter feedback recorded", extra={"case_id": event.case_id, "reports": len(report_ids)})


async def handle_case_closed(event: CaseClosed, envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Mark the case closed: a later report about the child opens a new case."""
    await close_case(
        session=uow.session, case_id=event.case_id, outcome=event.outcome, closed_at=event.closed_at
    )
    log.info("case closed", extra={"case_id": event.case_id, "event_id": envelope.id})


async def handle_monitoring_started(event: MonitoringStarted, envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Mark the case under monitoring, as routing shows it."""
    await start_monitoring(session=uow.session, case_id=event.case_id, started_at=event.started_at)
    log.info("case under monitoring", extra={"case_id": event.case_id, "event_id": envelope.id})
