"""Civil affairs hosts the joint meeting office (联席会议办公室): it receives routing's escalations."""

from __future__ import annotations

from backbone.messaging.consumer import EventHandler
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent, Event
from contracts.events.common import Agency
from contracts.events.routing import ReferralEscalated, SlaEscalated
from services.agency.referrals import addressed_to
from services.civil_affairs.escalations.service import (
    queue_deadline_escalation,
    queue_escalation,
    reaches_office,
)
from sla.stamping import active_policy


async def handle_referral_escalated(event: ReferralEscalated, envelope: CloudEvent, uow: UnitOfWork) -> None:
    await queue_escalation(uow=uow, escalation_id=envelope.id, event=event)


def office_handlers() -> dict[str, EventHandler]:
    """The office's handlers: referral escalations, and deadline escalations that reach the office."""

    async def handle_sla_escalated(event: SlaEscalated, envelope: CloudEvent, uow: UnitOfWork) -> None:
        if reaches_office(event):
            policy = active_policy(uow.sla_policy_path)
            await queue_deadline_escalation(uow=uow, escalation_id=envelope.id, event=event, policy=policy)

    return {"referral.escalated": handle_referral_escalated, "sla.escalated": handle_sla_escalated}


def office_accepts(event: Event) -> bool:
    """Civil affairs' own referrals, and every agency's deadline escalation that reaches the office."""
    if isinstance(event, SlaEscalated):
        return reaches_office(event)
    return addressed_to(Agency.CIVIL_AFFAIRS)(event)
