"""Emergency response steps (应急处置): dispatch at the first moment, arrive, resolve."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.events.common import Agency, Area
from contracts.events.police import PoliceArrived, PoliceDispatched, PoliceOutcome, PoliceResolved
from services.agency.errors import InvalidInput, ReferralNotFound
from services.agency.referrals.models import AgencyReferral
from services.agency.referrals.service import get_referral
from services.agency.steps import begin_step
from services.police.response.models import PoliceResponse
from services.police.response.rules import Stage, Step, check_completion, check_step, stage_of

log = logging.getLogger(__name__)


def _stage(response: PoliceResponse | None) -> Stage:
    if response is None:
        return Stage.NOT_DISPATCHED
    return stage_of(
        dispatched_at=response.dispatched_at, arrived_at=response.arrived_at, resolved_at=response.resolved_at
    )


def _response(uow: UnitOfWork, step: Step) -> Callable[[AgencyReferral], Awaitable[PoliceResponse]]:
    """Opens the referral's response once `step` (arrive, resolve) comes next in it."""

    async def open_response(referral: AgencyReferral) -> PoliceResponse:
        response = await uow.session.get(PoliceResponse, referral.referral_id)
        check_step(_stage(response), step)
        assert response is not None
        return response

    return open_response


def _arrived_at(response: PoliceResponse) -> datetime:
    assert response.arrived_at is not None
    return response.arrived_at


async def check_response_resolved(uow: UnitOfWork, referral: AgencyReferral) -> None:
    """Completion guard of the police inbox: no referral completes while its unit is still out."""
    check_completion(_stage(await uow.session.get(PoliceResponse, referral.referral_id)))


async def get_response(*, uow: UnitOfWork, referral_id: str) -> PoliceResponse:
    """The response recorded for a referral of the inbox (404 when there is none yet)."""
    await get_referral(session=uow.session, referral_id=referral_id)
    response = await uow.session.get(PoliceResponse, referral_id)
    if response is None:
        raise ReferralNotFound("no unit has been dispatched to this referral")
    return response


async def dispatch(
    *,
    uow: UnitOfWork,
    referral_id: str,
    unit: str,
    dispatched_at: datetime | None = None,
    officer: str | None = None,
    late_entry_reason: str | None = None,
) -> PoliceResponse:
    """Dispatch a unit (第一时间出警); a pending emergency referral is accepted on the spot first."""
    referral, _, at = await begin_step(
        uow=uow,
        agency=Agency.POLICE,
        referral_id=referral_id,
        reported=dispatched_at,
        field="dispatched_at",
        first_moment=True,
        officer=officer,
        late_entry_reason=late_entry_reason,
    )
    check_step(_stage(await uow.session.get(PoliceResponse, referral_id)), Step.DISPATCH)
    response = PoliceResponse(
        referral_id=referral_id, case_id=referral.case_id, unit=unit, dispatched_at=at, updated_at=utcnow()
    )
    uow.session.add(response)
    uow.emit(
        PoliceDispatched(
            referral_id=referral_id,
            case_id=referral.case_id,
            unit=unit,
            area=Area(referral.area),
            dispatched_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("police dispatched", extra={"referral_id": referral_id})
    return response


async def arrive(
    *,
    uow: UnitOfWork,
    referral_id: str,
    arrived_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> PoliceResponse:
    """Record the dispatched unit on scene."""
    referral, response, at = await begin_step(
        uow=uow,
        agency=Agency.POLICE,
        referral_id=referral_id,
        open_record=_response(uow, Step.ARRIVE),
        reported=arrived_at,
        field="arrived_at",
        not_before=lambda response: response.dispatched_at,
        previous_step="dispatch",
        late_entry_reason=late_entry_reason,
    )
    response.arrived_at, response.updated_at = at, utcnow()
    uow.emit(
        PoliceArrived(referral_id=referral_id, case_id=referral.case_id, arrived_at=at),
        subject=referral.case_id,
    )
    log.info("police arrived", extra={"referral_id": referral_id})
    return response


async def resolve(
    *,
    uow: UnitOfWork,
    referral_id: str,
    outcome: PoliceOutcome,
    injury_found: bool,
    criminal_case_number: str | None = None,
    resolved_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> PoliceResponse:
    """Record how the incident was handled; routing refers the child on (temporary care, hospital)."""
    if outcome is PoliceOutcome.CRIMINAL_CASE_OPENED and not criminal_case_number:
        raise InvalidInput("criminal_case_number", "is required when the outcome is criminal_case_opened")
    referral, response, at = await begin_step(
        uow=uow,
        agency=Agency.POLICE,
        referral_id=referral_id,
        open_record=_response(uow, Step.RESOLVE),
        reported=resolved_at,
        field="resolved_at",
        not_before=_arrived_at,
        previous_step="arrival",
        late_entry_reason=late_entry_reason,
    )
    response.outcome, response.injury_found = outcome.value, injury_found
    response.criminal_case_number, response.resolved_at, response.updated_at = (
        criminal_case_number,
        at,
        utcnow(),
    )
    uow.emit(
        PoliceResolved(
            referral_id=referral_id,
            case_id=referral.case_id,
            outcome=outcome,
            injury_found=injury_found,
            criminal_case_number=criminal_case_number,
            resolved_at=at,
        ),
        subject=referral.case_id,
    )
    log.info("police resolved", extra={"referral_id": referral_id})
    return response
