"""The opening every agency step shares: lock the accepted referral, open the agency's record, time it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from backbone.uow import UnitOfWork
from contracts.events.common import Agency
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.service import require_accepted
from services.agency.timing import happened_at

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
) -> OpenedStep[Record]:
    """Require the referral accepted, open (and check) the agency's record, then validate the step's time.

    A `first_moment` step (dispatch, admission) is timed first and accepts a pending emergency on the spot;
    any other step is timed after its record is opened, never before `not_before(record)`.
    """
    if first_moment:
        at = happened_at(reported, field=field)
        referral = await require_accepted(
            uow=uow, agency=agency, referral_id=referral_id, accept_emergency_at=at, officer=officer
        )
        return OpenedStep(referral=referral, record=await open_record(referral), at=at)
    referral = await require_accepted(uow=uow, agency=agency, referral_id=referral_id)
    record = await open_record(referral)
    at = happened_at(
        reported,
        field=field,
        not_before=not_before(record) if not_before is not None else None,
        previous_step=previous_step,
    )
    return OpenedStep(referral=referral, record=record, at=at)
