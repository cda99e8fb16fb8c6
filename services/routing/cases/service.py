"""Service functions for cases: open or join on a report, record agency events, move the case's status.

Each takes the unit of work, never commits, and puts on the case's event log (its timeline) every
envelope it consumes or emits. A report is decided purely (`decide.py`) and written as sets
(`writer.py`); the low-rate agency events keep the ORM. Logs carry ids only.
"""

from __future__ import annotations

import logging

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.intake import ReportReceived
from services.routing.cases import store, writer
from services.routing.cases.decide import decide_report
from services.routing.cases.models import CaseStatus, RoutingCase
from services.routing.cases.timeline import event_row
from services.routing.triage import RoutingRules
from sla.stamping import active_policy

log = logging.getLogger(__name__)
# Status only moves forward: open -> under_monitoring -> closed.
STATUS_ORDER = (CaseStatus.OPEN, CaseStatus.UNDER_MONITORING, CaseStatus.CLOSED)


async def record_case_event(*, uow: UnitOfWork, event: Event, envelope: CloudEvent) -> RoutingCase:
    """Lock the event's case and append the event to its timeline; UnknownCase if there is none."""
    case = await store.require_case(session=uow.session, case_id=event.case_id)
    await store.append_timeline(session=uow.session, case_id=case.case_id, envelope=envelope)
    case.updated_at = utcnow()
    uow.session.add(case)
    return case


async def move_case_status(*, uow: UnitOfWork, case: RoutingCase, status: CaseStatus) -> bool:
    """Move the case forward to `status`; False when it is already there or beyond."""
    if STATUS_ORDER.index(status) <= STATUS_ORDER.index(CaseStatus(case.status)):
        log.info("case status unchanged", extra={"case_id": case.case_id, "status": case.status})
        return False
    case.status = status.value
    case.updated_at = utcnow()
    uow.session.add(case)
    log.info("case status changed", extra={"case_id": case.case_id, "status": status.value})
    return True


async def receive_report(
    *, uow: UnitOfWork, event: ReportReceived, envelope: CloudEvent, rules: RoutingRules
) -> None:
    """Open a case for a new report, or add a report to its case; a report seen before changes nothing."""
    session = uow.session
    state = await writer.read_report_state(session=session, case_id=event.case_id, report_id=event.report_id)
    if state.report_seen:
        log.info("report already applied", extra={"report_id": event.report_id, "case_id": event.case_id})
        return
    plan = decide_report(
        event=event,
        event_id=envelope.id,
        case=state.case,
        rules=rules,
        policy=active_policy(uow.sla_policy_path),
        now=utcnow(),
    )
    await writer.write_report_plan(session=session, plan=plan)
    emitted = [uow.emit(e, subject=event.case_id) for e in plan.events]
    await writer.append_events(
        session=session, rows=[event_row(case_id=event.case_id, envelope=e) for e in (envelope, *emitted)]
    )
    log.info(
        "case opened" if plan.new_case else "report joined case",
        extra={"case_id": event.case_id, "report_id": event.report_id, "referrals": len(plan.referrals)},
    )
