"""Routing's handlers for the agencies' lifecycle events: each goes on the case's timeline first."""

from __future__ import annotations

from collections.abc import Mapping

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.agencies import ReferralHeld, ReferralProgressNoted, ReferralResumed
from services.routing.cases.service import record_case_event
from services.routing.lifecycle.service import keep_note, mark_held, mark_resumed


async def handle_referral_held(event: ReferralHeld, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await record_case_event(uow=uow, event=event, envelope=envelope)
    await mark_held(uow=uow, case=case, event=event)


async def handle_referral_resumed(event: ReferralResumed, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await record_case_event(uow=uow, event=event, envelope=envelope)
    await mark_resumed(uow=uow, case=case, event=event)


async def handle_progress_noted(event: ReferralProgressNoted, envelope: CloudEvent, uow: UnitOfWork) -> None:
    case = await record_case_event(uow=uow, event=event, envelope=envelope)
    await keep_note(uow=uow, case=case, event=event)


LIFECYCLE_HANDLERS: Mapping[str, EventHandler] = {
    "referral.held": handle_referral_held,
    "referral.resumed": handle_referral_resumed,
    "referral.progress_noted": handle_progress_noted,
}
