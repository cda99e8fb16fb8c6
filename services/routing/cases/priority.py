"""Priority raises and the agency findings that cause them: police outcomes and medical findings."""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlmodel import col

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.health import MedicalFindingsRecorded
from contracts.events.police import PoliceResolved
from contracts.events.routing import CasePriorityRaised
from services.routing.cases import store
from services.routing.cases.decisions import (
    emergency_for,
    is_serious_injury,
    police_outcome_referrals,
    raise_for_findings,
    union_facts,
)
from services.routing.cases.facts import case_facts, case_priority, current_rules, set_facts
from services.routing.cases.models import (
    OPEN_REFERRAL_STATUSES,
    RoutingCase,
    RoutingPriorityChange,
    RoutingReferral,
)
from services.routing.cases.referrals import create_referral
from services.routing.triage import Priority, PriorityRaise

log = logging.getLogger(__name__)


async def raise_case_priority(
    *, uow: UnitOfWork, case: RoutingCase, raised: PriorityRaise, cause: str, event_id: str
) -> bool:
    """Raise the case's priority (never lower it), record why, and announce it; False if not a raise."""
    previous = case_priority(case)
    if not raised.priority.is_more_urgent_than(previous):
        return False
    now = utcnow()
    case.priority = raised.priority.value
    case.priority_reasons = list(raised.reasons)
    case.updated_at = now
    uow.session.add(case)
    uow.session.add(
        RoutingPriorityChange(
            case_id=case.case_id,
            previous_priority=previous.value,
            priority=raised.priority.value,
            cause=cause,
            reasons=list(raised.reasons),
            rule_version=current_rules().version,
            event_id=event_id,
            changed_at=now,
        )
    )
    await raise_open_referrals(uow=uow, case_id=case.case_id, priority=raised.priority)
    event = CasePriorityRaised(
        case_id=case.case_id,
        previous_priority=previous,
        priority=raised.priority,
        reason=f"{cause}: {', '.join(raised.reasons)}",
        raised_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("priority raised", extra={"case_id": case.case_id, "priority": case.priority})
    return True


async def raise_open_referrals(*, uow: UnitOfWork, case_id: str, priority: Priority) -> None:
    """Open referrals take the raised priority, as the agencies' inboxes do; settled ones keep theirs."""
    less_urgent = [p.value for p in Priority if priority.is_more_urgent_than(p)]
    await uow.session.execute(
        update(RoutingReferral)
        .where(
            RoutingReferral.case_id == case_id,
            col(RoutingReferral.status).in_([s.value for s in OPEN_REFERRAL_STATUSES]),
            col(RoutingReferral.priority).in_(less_urgent),
        )
        .values(priority=priority.value)
    )


async def apply_police_outcome(
    *, uow: UnitOfWork, case: RoutingCase, event: PoliceResolved, event_id: str
) -> None:
    """An injury found raises the priority by the rules; temporary care and hospital hand the child on."""
    rules = current_rules()
    if event.injury_found:
        facts = union_facts(case_facts(case), injured=True)
        set_facts(case, facts)
        raised = raise_for_findings(case_priority(case), facts, rules)
        if raised is not None:
            await raise_case_priority(
                uow=uow, case=case, raised=raised, cause="police_outcome", event_id=event_id
            )
    for planned in police_outcome_referrals(event.outcome.value, injury_found=event.injury_found):
        agency = planned.agency.value
        if await store.has_open_referral(
            session=uow.session, case_id=case.case_id, agency=agency, task=planned.task
        ):
            log.info("open referral already covers police outcome", extra={"case_id": case.case_id})
            continue
        await create_referral(
            uow=uow,
            case=case,
            agency=agency,
            task=planned.task,
            role="lead",
            emergency=emergency_for(planned.task, case_priority(case), rules),
            reason="police_outcome",
            origin_key=f"{case.case_id}/police_outcome/{event.referral_id}/{agency}/{planned.task}",
            rule_version=rules.version,
        )


async def apply_health_findings(
    *, uow: UnitOfWork, case: RoutingCase, event: MedicalFindingsRecorded, event_id: str
) -> None:
    """Evidence of injury makes the child injured for triage; a serious or critical one makes it P1."""
    if not event.injury_evidence:
        return
    facts = union_facts(case_facts(case), injured=True)
    set_facts(case, facts)
    serious = is_serious_injury(injury_evidence=event.injury_evidence, severity=event.severity)
    raised = raise_for_findings(case_priority(case), facts, current_rules(), serious_injury=serious)
    if raised is not None:
        await raise_case_priority(
            uow=uow, case=case, raised=raised, cause="health_finding", event_id=event_id
        )
