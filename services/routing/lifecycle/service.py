"""Service functions of the lifecycle: apply agencies' holds and notes, and withdraw referrals.

Each takes the unit of work and never commits; events go on the case's timeline. Free text (reasons,
notes) is stored and sent, never logged.
"""

from __future__ import annotations

import logging

from backbone.clock import utcnow
from backbone.db import insert_ignoring_conflict
from backbone.uow import UnitOfWork
from contracts.events.agencies import ReferralHeld, ReferralProgressNoted, ReferralResumed
from contracts.events.routing import ReferralWithdrawn
from services.routing.cases import store
from services.routing.cases.models import ReferralStatus, RoutingCase, RoutingReferral
from services.routing.lifecycle.decisions import check_withdrawal
from services.routing.lifecycle.models import RoutingReferralNote

log = logging.getLogger(__name__)


class UnknownReferralId(LookupError):
    """No referral with this id: 404."""


async def mark_held(*, uow: UnitOfWork, case: RoutingCase, event: ReferralHeld) -> bool:
    """The agency put its accepted referral on hold; False for a stale or repeated report."""
    referral = await _agency_referral(uow, case, event)
    if referral.status != ReferralStatus.ACCEPTED:
        log.info(
            "hold changes nothing", extra={"referral_id": referral.referral_id, "status": referral.status}
        )
        return False
    referral.status, referral.held_at = ReferralStatus.ON_HOLD.value, event.held_at
    uow.session.add(referral)
    return True


async def mark_resumed(*, uow: UnitOfWork, case: RoutingCase, event: ReferralResumed) -> bool:
    """The agency resumed a held referral; False for a stale or repeated report."""
    referral = await _agency_referral(uow, case, event)
    if referral.status != ReferralStatus.ON_HOLD:
        log.info("resume changes nothing", extra={"referral_id": referral.referral_id})
        return False
    referral.status, referral.held_at = ReferralStatus.ACCEPTED.value, None
    uow.session.add(referral)
    return True


async def keep_note(*, uow: UnitOfWork, case: RoutingCase, event: ReferralProgressNoted) -> bool:
    """Keep an agency's progress note for the case view, once per note id."""
    await _agency_referral(uow, case, event)
    kept = await insert_ignoring_conflict(
        uow.session,
        RoutingReferralNote.__table__,
        {
            "note_id": event.note_id,
            "case_id": case.case_id,
            "referral_id": event.referral_id,
            "agency": event.agency.value,
            "note": event.note,
            "author": event.author,
            "noted_at": event.noted_at,
        },
        conflict="(note_id)",
        returning="note_id",
    )
    return kept is not None


async def withdraw_referral(
    *, uow: UnitOfWork, referral_id: str, reason: str, withdrawn_by: str, may_withdraw_lead: bool
) -> RoutingReferral:
    """Withdraw (cancel) an open referral and tell its agency (referral.withdrawn); its clocks end."""
    case, referral = await locked_referral(uow, referral_id)
    check_withdrawal(status=referral.status, role=referral.role, may_withdraw_lead=may_withdraw_lead)
    await announce_withdrawal(uow=uow, case=case, referral=referral, reason=reason, withdrawn_by=withdrawn_by)
    log.info("referral withdrawn", extra={"case_id": case.case_id, "referral_id": referral_id})
    return referral


async def announce_withdrawal(
    *, uow: UnitOfWork, case: RoutingCase, referral: RoutingReferral, reason: str, withdrawn_by: str
) -> None:
    """Mark the (locked, open) referral withdrawn and emit referral.withdrawn to its agency."""
    now = utcnow()
    referral.status, referral.withdrawn_at = ReferralStatus.WITHDRAWN.value, now
    referral.withdrawn_by, referral.held_at = withdrawn_by, None
    uow.session.add(referral)
    event = ReferralWithdrawn(
        referral_id=referral.referral_id,
        case_id=case.case_id,
        agency=referral.agency,
        task=referral.task,
        role=referral.role,
        reason=reason,
        withdrawn_by=withdrawn_by,
        withdrawn_at=now,
    )
    await store.emit_and_record(uow=uow, case_id=case.case_id, event=event)
    case.updated_at = now
    uow.session.add(case)


async def locked_referral(uow: UnitOfWork, referral_id: str) -> tuple[RoutingCase, RoutingReferral]:
    """The referral's case locked (UnknownReferralId when there is no such referral), then the referral."""
    found = await uow.session.get(RoutingReferral, referral_id)
    if found is None:
        raise UnknownReferralId("no referral with this id")
    case = await store.require_case(session=uow.session, case_id=found.case_id)
    referral = await uow.session.get(
        RoutingReferral, referral_id, with_for_update=True, populate_existing=True
    )
    assert referral is not None
    return case, referral


async def _agency_referral(
    uow: UnitOfWork, case: RoutingCase, event: ReferralHeld | ReferralResumed | ReferralProgressNoted
) -> RoutingReferral:
    return await store.require_referral(
        session=uow.session, referral_id=event.referral_id, case_id=case.case_id, agency=event.agency.value
    )
