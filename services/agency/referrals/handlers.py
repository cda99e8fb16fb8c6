"""Event handlers of the inbox, built for one agency: `referral_handlers(Agency.POLICE)`."""

from __future__ import annotations

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.common import Agency
from contracts.events.routing import CasePriorityRaised, ReferralCreated, ReferralsAssigned, ReferralWithdrawn
from services.agency.referrals.lifecycle import apply_withdrawal
from services.agency.referrals.service import raise_priority, store_assigned_referrals, store_referral


def referral_handlers(agency: Agency) -> dict[str, EventHandler]:
    """The handlers by event family for one agency's inbox."""

    async def handle_referral_created(event: ReferralCreated, envelope: CloudEvent, uow: UnitOfWork) -> None:
        await store_referral(uow=uow, agency=agency, event=event)

    async def handle_referrals_assigned(
        event: ReferralsAssigned, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        await store_assigned_referrals(uow=uow, agency=agency, event=event)

    async def handle_case_priority_raised(
        event: CasePriorityRaised, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        await raise_priority(uow=uow, event=event)

    async def handle_referral_withdrawn(
        event: ReferralWithdrawn, envelope: CloudEvent, uow: UnitOfWork
    ) -> None:
        await apply_withdrawal(uow=uow, agency=agency, event=event)

    return {
        "referral.created": handle_referral_created,
        "referrals.assigned": handle_referrals_assigned,
        "case.priority_raised": handle_case_priority_raised,
        "referral.withdrawn": handle_referral_withdrawn,
    }


# Families whose `agency` field names the one agency they are for; every agency receives them all.
ADDRESSED_FAMILIES = (
    "referral.created.",
    "referrals.assigned.",
    "referral.withdrawn.",
)


def addressed_to(agency: Agency):
    """The consumer's filter: drop another agency's referrals before any database work."""

    def accepts(event: Event) -> bool:
        if not event.TYPE.startswith(ADDRESSED_FAMILIES):
            return True
        return getattr(event, "agency", None) == agency

    return accepts


def addressed_by_headers(agency: Agency, families: tuple[str, ...] = ADDRESSED_FAMILIES):
    """The consumer's pre-parse filter: drop another agency's referrals by the envelope's
    `agency` extension (header `ce_agency`), before reading the message's data at all.

    A record without the extension (written before it existed) is kept here and decided by
    `addressed_to` once parsed.
    """

    def accepts(event_type: str, addressed: str | None) -> bool:
        return addressed is None or addressed == agency or not event_type.startswith(families)

    return accepts
