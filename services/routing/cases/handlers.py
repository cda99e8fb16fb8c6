"""Routing's event handlers: every family the catalogue lists routing as a consumer of.

Each locks the case, appends the event to its timeline, and applies what the event means for the case;
none commits (the consumer does, with the inbox row). An event about a case or referral routing never
made raises, so the consumer dead-letters it with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.agencies import ReferralAccepted, ReferralCompleted, ReferralDeclined
from contracts.events.civil_affairs import CaseClosed, MonitoringStarted
from contracts.events.health import MedicalFindingsRecorded, MentalHealthAssessed
from contracts.events.intake import ReportReceived
from contracts.events.police import PoliceResolved
from services.routing.cases import service
from services.routing.cases.facts import current_rules
from services.routing.cases.models import CaseStatus, ReferralStatus
from services.routing.cases.onward import refer_on_finding
from services.routing.cases.priority import apply_health_findings, apply_police_outcome
from services.routing.cases.referrals import change_referral_status, decline_referral
from services.routing.lifecycle.handlers import LIFECYCLE_HANDLERS


async def handle_report_received(event: ReportReceived, envelope: CloudEvent, uow: UnitOfWork) -> None:
    await service.receive_report(uow=uow, event=event, envelope=envelope, rules=current_rules())


async def handle_referral_accepted(event: ReferralAccepted, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await change_referral_status(uow=uow, case=case, event=event, status=ReferralStatus.ACCEPTED)


async def handle_referral_declined(event: ReferralDeclined, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await decline_referral(uow=uow, case=case, event=event)


async def handle_referral_completed(event: ReferralCompleted, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await change_referral_status(uow=uow, case=case, event=event, status=ReferralStatus.COMPLETED)


async def handle_police_resolved(event: PoliceResolved, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await apply_police_outcome(uow=uow, case=case, event=event, event_id=envelope.id)


async def handle_findings_recorded(
    event: MedicalFindingsRecorded, envelope: CloudEvent, uow: UnitOfWork
) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await apply_health_findings(uow=uow, case=case, event=event, event_id=envelope.id)


async def handle_mental_health_assessed(
    event: MentalHealthAssessed, envelope: CloudEvent, uow: UnitOfWork
) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await refer_on_finding(uow=uow, case=case, envelope=envelope)


async def handle_monitoring_started(event: MonitoringStarted, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await service.move_case_status(uow=uow, case=case, status=CaseStatus.UNDER_MONITORING)


async def handle_case_closed(event: CaseClosed, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await service.record_case_event(uow=uow, event=event, envelope=envelope)
    await service.move_case_status(uow=uow, case=case, status=CaseStatus.CLOSED)


async def record_on_timeline(event: Event, envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Events that change nothing routing decides (deadlines aside): they go on the timeline."""
    await service.record_case_event(uow=uow, event=event, envelope=envelope)


TIMELINE_ONLY = (
    "intake.reporter_feedback_recorded",
    "police.dispatched",
    "police.arrived",
    "health.admitted",
    "health.discharged",
    "education.school_contacted",
    "education.return_plan_made",
    "education.aid_enrolled",
    "education.psychological_support_started",
    "civil_affairs.assessment_completed",
    "civil_affairs.assistance_planned",
    "civil_affairs.placement_recorded",
    "civil_affairs.intervention_decided",
    "civil_affairs.visit_logged",
    "civil_affairs.reporter_informed",
    "civil_affairs.approval_requested",
    "civil_affairs.approval_decided",
)

HANDLERS: Mapping[str, EventHandler] = {
    "report.received": handle_report_received,
    "referral.accepted": handle_referral_accepted,
    "referral.declined": handle_referral_declined,
    "referral.completed": handle_referral_completed,
    "police.resolved": handle_police_resolved,
    "health.findings_recorded": handle_findings_recorded,
    "health.mental_health_assessed": handle_mental_health_assessed,
    "civil_affairs.monitoring_started": handle_monitoring_started,
    "civil_affairs.case_closed": handle_case_closed,
    **LIFECYCLE_HANDLERS,
    **{family: record_on_timeline for family in TIMELINE_ONLY},
}
