"""Civil affairs' consumer of emergency referrals and of the police's resolutions."""

from __future__ import annotations

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.police import PoliceResolved
from contracts.events.routing import ReferralCreated, ReferralWithdrawn
from services.civil_affairs.emergencies.service import (
    is_others_emergency,
    record_emergency,
    resolve_emergency,
)


def emergency_handlers(inbox: dict[str, EventHandler]) -> dict[str, EventHandler]:
    """`referral.created` feeds the inbox (own referrals) and the emergency list (others' emergencies);
    a withdrawn emergency referral holds the case open no more."""
    inbox_referral_created, inbox_referral_withdrawn = inbox["referral.created"], inbox["referral.withdrawn"]

    async def handle_referral_created(event: ReferralCreated, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if is_others_emergency(event):
            await record_emergency(uow=uow, event=event)
        else:
            await inbox_referral_created(event, envelope, uow)

    async def handle_police_resolved(event: PoliceResolved, envelope: CloudEvent, uow: UnitOfWork) -> None:
        await resolve_emergency(uow=uow, referral_id=event.referral_id, at=event.resolved_at)

    async def handle_referral_withdrawn(
        event: ReferralWithdrawn, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        if event.agency == "civil_affairs":
            await inbox_referral_withdrawn(event, envelope, uow)
        else:
            await resolve_emergency(uow=uow, referral_id=event.referral_id, at=event.withdrawn_at)

    return {
        "referral.created": handle_referral_created,
        "referral.withdrawn": handle_referral_withdrawn,
        "police.resolved": handle_police_resolved,
    }


def watches_emergencies(event: Event) -> bool:
    if isinstance(event, ReferralWithdrawn):
        return event.agency == "police"  # the only agency whose emergency referral holds a case open
    return isinstance(event, ReferralCreated) and is_others_emergency(event)
