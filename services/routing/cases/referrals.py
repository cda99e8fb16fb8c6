"""Referrals: made once per origin, status kept from agency events, declines re-routed or escalated."""

from __future__ import annotations

import logging

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.agencies import ReferralAccepted, ReferralCompleted, ReferralDeclined
from contracts.events.routing import ReferralCreated, ReferralEscalated
from services.routing.cases import store
from services.routing.cases.decisions import (
    DeclinedReferral,
    Escalate,
    Reroute,
    after_decline,
    new_referral_id,
    plan_origin,
)
from services.routing.cases.facts import current_rules
from services.routing.cases.models import ReferralStatus, RoutingCase, RoutingReferral
from services.routing.triage import PlannedReferral

log = logging.getLogger(__name__)
ReferralEvent = ReferralAccepted | ReferralDeclined | ReferralCompleted
# The statuses an agency event may move a referral from; anything else is a stale or repeated report.
TRANSITIONS: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    ReferralStatus.ACCEPTED: (ReferralStatus.PENDING,),
    ReferralStatus.DECLINED: (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
    ReferralStatus.COMPLETED: (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
}


async def create_referral(
    *,
    uow: UnitOfWork,
    case: RoutingCase,
    agency: str,
    task: str,
    role: str,
    emergency: bool,
    reason: str,
    origin_key: str,
    rule_version: str,
    replaces_referral_id: str | None = None,
) -> str | None:
    """Create and announce a referral once per origin key; its id, or None if the origin already made it."""
    now = utcnow()
    referral_id = await store.insert_referral(
        session=uow.session,
        values={
            "referral_id": new_referral_id(),
            "origin_key": origin_key,
            "case_id": case.case_id,
            "agency": agency,
            "task": task,
            "role": role,
            "priority": case.priority,
            "emergency": emergency,
            "rule_version": rule_version,
            "reason": reason,
            "replaces_referral_id": replaces_referral_id,
            "status": ReferralStatus.PENDING.value,
            "created_at": now,
        },
    )
    if referral_id is None:
        log.info("referral already made", extra={"case_id": case.case_id})
        return None
    event = ReferralCreated(
        referral_id=referral_id,
        case_id=case.case_id,
        child_id=case.child_id,
        agency=agency,
        task=task,
        role=role,
        priority=case.priority,
        emergency=emergency,
        categories=case.categories,
        district=case.district,
        area=case.area,
        rule_version=rule_version,
        reason=reason,
        replaces_referral_id=replaces_referral_id,
        created_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("referral created", extra={"case_id": case.case_id, "referral_id": referral_id})
    return referral_id


async def refer_planned(
    *, uow: UnitOfWork, case: RoutingCase, planned: list[PlannedReferral], reason: str, rule_version: str
) -> int:
    """Create the planned referrals, once each per (agency, task, role) of the case; how many were new."""
    made = 0
    for referral in planned:
        agency = referral.agency.value
        created = await create_referral(
            uow=uow,
            case=case,
            agency=agency,
            task=referral.task,
            role=referral.role,
            emergency=referral.emergency,
            reason=reason,
            origin_key=plan_origin(case.case_id, agency, referral.task, referral.role),
            rule_version=rule_version,
        )
        made += created is not None
    return made


async def change_referral_status(
    *, uow: UnitOfWork, case: RoutingCase, event: ReferralEvent, status: ReferralStatus
) -> RoutingReferral | None:
    """Move the referral to the agency's reported status; None when the move is not allowed (stale)."""
    referral = await store.require_referral(
        session=uow.session, referral_id=event.referral_id, case_id=case.case_id, agency=event.agency.value
    )
    if ReferralStatus(referral.status) not in TRANSITIONS[status]:
        log.info(
            "referral status unchanged",
            extra={"referral_id": referral.referral_id, "status": referral.status, "reported": status.value},
        )
        return None
    referral.status = status.value
    match event:
        case ReferralAccepted():
            referral.accepted_at = event.accepted_at
        case ReferralDeclined():
            referral.declined_at = event.declined_at
            referral.decline_reason_code = event.reason_code.value if event.reason_code else None
        case ReferralCompleted():
            referral.completed_at = event.completed_at
    uow.session.add(referral)
    log.info("referral status changed", extra={"referral_id": referral.referral_id, "status": status.value})
    return referral


async def decline_referral(*, uow: UnitOfWork, case: RoutingCase, event: ReferralDeclined) -> None:
    """Mark the referral declined, then hand its task to civil affairs or escalate it."""
    referral = await change_referral_status(uow=uow, case=case, event=event, status=ReferralStatus.DECLINED)
    if referral is None:
        return
    action = after_decline(DeclinedReferral(referral.agency, referral.task, referral.role, referral.reason))
    match action:
        case Reroute():
            await create_referral(
                uow=uow,
                case=case,
                agency=action.agency.value,
                task=action.task,
                role=action.role,
                emergency=referral.emergency,
                reason="rerouted",
                origin_key=f"{case.case_id}/rerouted/{referral.referral_id}",
                rule_version=current_rules().version,
                replaces_referral_id=referral.referral_id,
            )
        case Escalate():
            await escalate_referral(uow=uow, case=case, referral=referral, reason=action.reason)
        case _:
            log.info(
                "declined responsible referral left to its lead", extra={"referral_id": event.referral_id}
            )


async def escalate_referral(
    *, uow: UnitOfWork, case: RoutingCase, referral: RoutingReferral, reason: str
) -> None:
    """Send a referral nobody will take to the joint meeting office (联席会议办公室), once."""
    if referral.escalated_at is not None:
        return
    now = utcnow()
    referral.escalated_at = now
    referral.escalation_reason = reason
    event = ReferralEscalated(
        referral_id=referral.referral_id,
        case_id=case.case_id,
        agency=referral.agency,
        reason=reason,
        escalated_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    log.info("referral escalated", extra={"case_id": case.case_id, "referral_id": referral.referral_id})
