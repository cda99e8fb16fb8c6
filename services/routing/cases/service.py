"""Service functions for cases: open or join on a report, record agency events, move the case's status.

Each takes the unit of work, never commits, and puts on the case's timeline every event it consumes or
emits. Logs carry ids only.
"""

from __future__ import annotations

import logging

from backbone.clock import utcnow
from backbone.privacy import mask_name
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.intake import ReportReceived
from contracts.events.routing import CaseOpened
from services.routing.cases import store
from services.routing.cases.decisions import new_referrals, union_facts
from services.routing.cases.facts import case_facts, case_priority, set_facts
from services.routing.cases.models import CaseStatus, RoutingCase, RoutingCaseReport, RoutingPriorityChange
from services.routing.cases.priority import raise_case_priority
from services.routing.cases.referrals import refer_planned
from services.routing.triage import RoutingRules, TriageFacts, raise_priority, triage

log = logging.getLogger(__name__)
# Status only moves forward: open -> under_monitoring -> closed.
STATUS_ORDER = (CaseStatus.OPEN, CaseStatus.UNDER_MONITORING, CaseStatus.CLOSED)


async def record_case_event(*, uow: UnitOfWork, event: Event, envelope: CloudEvent) -> RoutingCase:
    """Lock the event's case and append the event to its timeline; UnknownCase if there is none."""
    case = await store.require_case(session=uow.session, case_id=event.case_id)
    await store.append_timeline(session=uow.session, case_id=case.case_id, envelope=envelope, event=event)
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
    case = await store.lock_case(session=session, case_id=event.case_id)
    if await session.get(RoutingCaseReport, event.report_id) is not None:
        log.info("report already applied", extra={"report_id": event.report_id, "case_id": event.case_id})
        return
    session.add(
        RoutingCaseReport(
            report_id=event.report_id,
            case_id=event.case_id,
            event_id=envelope.id,
            new_case=case is None,
            corroborates_report_id=event.corroborates_report_id,
            categories=[c.value for c in event.categories],
            received_at=event.received_at,
        )
    )
    # Routing trusts its own state over the flag: a report for a case it never saw opens that case, and
    # a second "new" report for a case it holds joins it.
    if case is None:
        await _open_case(uow=uow, event=event, envelope=envelope, rules=rules)
    else:
        await _join_case(uow=uow, case=case, event=event, envelope=envelope, rules=rules)


async def _open_case(
    *, uow: UnitOfWork, event: ReportReceived, envelope: CloudEvent, rules: RoutingRules
) -> None:
    now = utcnow()
    facts = TriageFacts(
        categories=frozenset(c.value for c in event.categories),
        immediate_danger=event.immediate_danger,
        injured=event.injured,
        child_age_years=event.child_age_years,
        area=event.area.value,
        source=event.source,
    )
    decision = triage(facts, rules)
    case = RoutingCase(
        case_id=event.case_id,
        child_id=event.child_id,
        child_display_name=mask_name(event.child_display_name),  # idempotent on an already masked name
        child_gender=event.child_gender.value,
        district=event.district,
        area=event.area.value,
        source=event.source,
        priority=decision.priority.value,
        priority_reasons=list(decision.priority_reasons),
        rule_version=decision.rule_version,
        status=CaseStatus.OPEN.value,
        opened_at=now,
        updated_at=now,
    )
    set_facts(case, facts)
    uow.session.add(case)
    uow.session.add(
        RoutingPriorityChange(
            case_id=case.case_id,
            priority=case.priority,
            cause="triage",
            reasons=list(decision.priority_reasons),
            rule_version=decision.rule_version,
            event_id=envelope.id,
            changed_at=now,
        )
    )
    await store.append_timeline(session=uow.session, case_id=case.case_id, envelope=envelope, event=event)
    opened = CaseOpened(
        case_id=case.case_id,
        child_id=case.child_id,
        priority=decision.priority,
        priority_reasons=list(decision.priority_reasons),
        rule_version=decision.rule_version,
        opened_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=opened)
    await refer_planned(
        uow=uow, case=case, planned=decision.referrals, reason="triage", rule_version=rules.version
    )
    log.info("case opened", extra={"case_id": case.case_id, "report_id": event.report_id})


async def _join_case(
    *, uow: UnitOfWork, case: RoutingCase, event: ReportReceived, envelope: CloudEvent, rules: RoutingRules
) -> None:
    await store.append_timeline(session=uow.session, case_id=case.case_id, envelope=envelope, event=event)
    facts = union_facts(
        case_facts(case),
        categories=(c.value for c in event.categories),
        immediate_danger=event.immediate_danger,
        injured=event.injured,
        child_age_years=event.child_age_years,
    )
    set_facts(case, facts)
    uow.session.add(case)
    raised = raise_priority(case_priority(case), facts, rules)
    if raised is not None:
        await raise_case_priority(uow=uow, case=case, raised=raised, cause="new_report", event_id=envelope.id)
    existing = await store.referral_keys(session=uow.session, case_id=case.case_id)
    fresh = new_referrals(triage(facts, rules).referrals, existing)
    await refer_planned(uow=uow, case=case, planned=fresh, reason="new_report", rule_version=rules.version)
    log.info("report joined case", extra={"case_id": case.case_id, "report_id": event.report_id})
