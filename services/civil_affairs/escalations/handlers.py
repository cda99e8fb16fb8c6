"""Civil affairs hosts the joint meeting office (联席会议办公室): it receives routing's escalations."""

from __future__ import annotations

from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from contracts.events.routing import ReferralEscalated
from services.civil_affairs.escalations.service import queue_escalation


async def handle_referral_escalated(event: ReferralEscalated, envelope: CloudEvent, uow: UnitOfWork) -> None:
    await queue_escalation(uow=uow, escalation_id=envelope.id, event=event)
