"""Civil affairs' consumer of other agencies' referrals, of their ends and of the police's resolutions."""

from __future__ import annotations

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.agencies import ReferralCompleted, ReferralDeclined
from contracts.events.common import Agency
from contracts.events.police import PoliceResolved
from contracts.events.routing import ReferralCreated, ReferralsAssigned, ReferralWithdrawn
from services.civil_affairs.emergencies.service import (
    end_case_referral,
    is_others_emergency,
    record_case_referrals,
    record_emergencies,
    resolve_emergency,
)


def emergency_handlers(inbox: dict[str, EventHandler]) -> dict[str, EventHandler]:
    """`referral.created` and `referrals.assigned` feed the inbox (own referrals) or the case's referrals
    of other agencies (and the emergency list); their declines, completions and withdrawals end them."""
    inbox_referral_created, inbox_referral_withdrawn = inbox["referral.created"], inbox["referral.withdrawn"]
    inbox_referrals_assigned = inbox["referrals.assigned"]

    async def handle_referral_created(event: ReferralCreated, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if event.agency == Agency.CIVIL_AFFAIRS:
            await inbox_referral_created(event, envelope, uow)
            return
        await record_case_referrals(uow=uow, events=[event])
        await record_emergencies(uow=uow, events=[event] if is_others_emergency(event) else [])

    async def handle_referrals_assigned(
        event: ReferralsAssigned, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        if event.agency == Agency.CIVIL_AFFAIRS:
            await inbox_referrals_assigned(event, envelope, uow)
            return
        referrals = event.each_referral()
        await record_case_referrals(uow=uow, events=referrals)
        await record_emergencies(uow=uow, events=[r for r in referrals if is_others_emergency(r)])

    async def handle_police_resolved(event: PoliceResolved, envelope: CloudEvent, uow: UnitOfWork) -> None:
        await resolve_emergency(uow=uow, referral_id=event.referral_id, at=event.resolved_at)

    async def handle_referral_withdrawn(
        event: ReferralWithdrawn, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        if event.agency == Agency.CIVIL_AFFAIRS:
            await inbox_referral_withdrawn(event, envelope, uow)
        else:
            await resolve_emergency(uow=uow, referral_id=event.referral_id, at=event.withdrawn_at)
            await end_case_referral(uow=uow, referral_id=event.referral_id, at=event.withdrawn_at)

    async def handle_referral_declined(
        event: ReferralDeclined, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        await end_case_referral(uow=uow, referral_id=event.referral_id, at=event.declined_at)

    async def handle_referral_completed(
        event: ReferralCompleted, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        await end_case_referral(uow=uow, referral_id=event.referral_id, at=event.completed_at)

    return {
        "referral.created": handle_referral_created,
        "referrals.assigned": handle_referrals_assigned,
        "referral.withdrawn": handle_referral_withdrawn,
        "referral.declined": handle_referral_declined,
        "referral.completed": handle_referral_completed,
        "police.resolved": handle_police_resolved,
    }


def watches_case_referrals(event: Event) -> bool:
    """Every agency's referrals and their ends (civil affairs' own are in its inbox)."""
    return isinstance(
        event, ReferralCreated | ReferralsAssigned | ReferralWithdrawn | ReferralDeclined | ReferralCompleted
    )
