"""The opening every agency step shares: lock the accepted referral, open the agency's record, time it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from backbone.uow import UnitOfWork
from contracts.events.common import Agency
from services.agency.late_entries import record_late_entry
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.service import get_referral, require_accepted
from services.agency.timing import RECORD_LATE_ENTRY, check_late_entry, happened_at

Record = TypeVar("Record")


class OpenedStep(NamedTuple, Generic[Record]):
    """The referral (locked, accepted), the agency's own record of it, and when the step happened."""

    referral: AgencyReferral
    record: Record
    at: datetime


async def no_record(referral: AgencyReferral) -> None:
    """For a step that keeps no per-referral record of its own."""
    return None


async def begin_step(
    *,
    uow: UnitOfWork,
    agency: Agency,
    referral_id: str,
    open_record: Callable[[AgencyReferral], Awaitable[Record]] = no_record,
    reported: datetime | None = None,
    field: str = "",
    not_before: Callable[[Record], datetime | None] | None = None,
    previous_step: str = "",
    first_moment: bool = False,
    officer: str | None = None,
    late_entry_reason: str | None = None,
) -> OpenedStep[Record]:
    """Require the referral accepted, open (and check) the agency's record, then validate the step's time.

    A `first_moment` step (dispatch, admission) is timed first and accepts a pending emergency on the spot;
    any other step is timed after its record is opened, never before `not_before(record)`. No step is
    dated before its referral existed unless a supervisor records it as a late entry with a reason, which
    is kept; anyone else giving a reason is refused before anything is read.
    """
    check_late_entry(late_entry_reason, may_record=uow.may(RECORD_LATE_ENTRY))
    if first_moment:
        made_at = (await get_referral(session=uow.session, referral_id=referral_id, lock=True)).created_at
        at = happened_at(reported, field=field, referral_made_at=made_at, late_entry_reason=late_entry_reason)
        referral = await require_accepted(
            uow=uow, agency=agency, referral_id=referral_id, accept_emergency_at=at, officer=officer
        )
        record = await open_record(referral)
    else:
        referral = await require_accepted(uow=uow, agency=agency, referral_id=referral_id)
        record = await open_record(referral)
        at = happened_at(
            reported,
            field=field,
            not_before=not_before(record) if not_before is not None else None,
            previous_step=previous_step,
            referral_made_at=referral.created_at,
            late_entry_reason=late_entry_reason,
        )
    reason = check_late_entry(late_entry_reason)
    if reason is not None and reported is not None:
        record_late_entry(uow=uow, referral=referral, field=field, reported_at=at, reason=reason)
    return OpenedStep(referral=referral, record=record, at=at)
