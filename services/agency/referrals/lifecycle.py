"""The inbox's lifecycle beyond 受理/decline/complete: hold and resume, progress notes, withdrawal.

Hold, resume and notes are the agency's own steps; a withdrawal is routing's decision, which the agency
applies when `referral.withdrawn` arrives. Notes and reasons are free text: stored and sent to routing,
never logged.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from backbone.web.paging import PageRequest, fetch_page
from contracts.events.agencies import ReferralHeld, ReferralProgressNoted, ReferralResumed
from contracts.events.common import Agency
from contracts.events.routing import ReferralWithdrawn
from services.agency.referrals.models import AgencyReferral, AgencyReferralNote
from services.agency.referrals.rules import (
    OPEN_STATUSES,
    ReferralAction,
    ReferralStatus,
    check_note_allowed,
    next_status,
)
from services.agency.referrals.service import event_fields, get_referral

log = logging.getLogger(__name__)


async def hold_referral(*, uow: UnitOfWork, agency: Agency, referral_id: str, reason: str) -> AgencyReferral:
    """Put an accepted referral on hold with a reason and emit referral.held; its deadlines pause."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    referral.status = next_status(ReferralStatus(referral.status), ReferralAction.HOLD).value
    referral.held_at = referral.updated_at = utcnow()
    referral.hold_reason = reason
    uow.emit(
        ReferralHeld(**event_fields(referral, agency), reason=reason, held_at=referral.held_at),
        subject=referral.case_id,
    )
    log.info("referral put on hold", extra={"referral_id": referral_id})
    return referral


async def resume_referral(*, uow: UnitOfWork, agency: Agency, referral_id: str) -> AgencyReferral:
    """Take a held referral up again and emit referral.resumed; the deadlines its hold paused run again."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    referral.status = next_status(ReferralStatus(referral.status), ReferralAction.RESUME).value
    held_at, referral.updated_at = referral.held_at, utcnow()
    assert held_at is not None  # only a held referral resumes
    referral.held_at, referral.hold_reason = None, None
    uow.emit(
        ReferralResumed(**event_fields(referral, agency), held_at=held_at, resumed_at=referral.updated_at),
        subject=referral.case_id,
    )
    log.info("referral resumed", extra={"referral_id": referral_id})
    return referral


async def post_note(
    *, uow: UnitOfWork, agency: Agency, referral_id: str, note: str, author: str | None = None
) -> AgencyReferralNote:
    """Keep a progress note on a referral under way and send it to the case (referral.progress_noted)."""
    referral = await get_referral(session=uow.session, referral_id=referral_id, lock=True)
    check_note_allowed(ReferralStatus(referral.status))
    posted = AgencyReferralNote(
        note_id=str(uuid.uuid4()),
        referral_id=referral_id,
        case_id=referral.case_id,
        note=note,
        author=author,
        noted_at=utcnow(),
    )
    uow.session.add(posted)
    referral.updated_at = posted.noted_at
    uow.emit(
        ReferralProgressNoted(
            **event_fields(referral, agency),
            note_id=posted.note_id,
            note=note,
            author=author,
            noted_at=posted.noted_at,
        ),
        subject=referral.case_id,
    )
    log.info("progress note posted", extra={"referral_id": referral_id, "note_id": posted.note_id})
    return posted


async def list_notes(
    *, uow: UnitOfWork, referral_id: str, page: PageRequest
) -> tuple[list[AgencyReferralNote], int]:
    """A page of the referral's progress notes, oldest first, and their number (404 for a referral not in
    the inbox)."""
    await get_referral(session=uow.session, referral_id=referral_id)
    statement = (
        select(AgencyReferralNote)
        .where(AgencyReferralNote.referral_id == referral_id)
        .order_by(AgencyReferralNote.noted_at, AgencyReferralNote.note_id)
    )
    return await fetch_page(uow.session, statement, page)


async def apply_withdrawal(*, uow: UnitOfWork, agency: Agency, event: ReferralWithdrawn) -> bool:
    """Mark an open referral of the inbox withdrawn; a repeat, another agency's or a closed one is ignored."""
    if event.agency != agency:
        return False
    referral = await uow.session.get(AgencyReferral, event.referral_id, with_for_update=True)
    if referral is None or ReferralStatus(referral.status) not in OPEN_STATUSES:
        log.info("withdrawal changes nothing", extra={"referral_id": event.referral_id})
        return False
    referral.status = next_status(ReferralStatus(referral.status), ReferralAction.WITHDRAW).value
    referral.withdrawn_at, referral.updated_at = event.withdrawn_at, utcnow()
    referral.withdrawn_by, referral.withdraw_reason = event.withdrawn_by, event.reason
    log.info("referral withdrawn", extra={"referral_id": event.referral_id})
    return True
