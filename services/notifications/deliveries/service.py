"""Listing an agency's deliveries, and sending a failed one again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import Visibility
from backbone.clock import utcnow
from services.notifications.models import Delivery, DeliveryState, Subscription
from services.notifications.subscriptions.service import (
    SubscriptionNotFound,
    TransitionRefused,
    visible_subscriptions,
)


class DeliveryNotFound(SubscriptionNotFound):
    """No delivery with this webhook-id: 404."""


async def list_deliveries(
    *,
    session: AsyncSession,
    visibility: Visibility,
    state: DeliveryState | None,
    subscription_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Delivery], int]:
    """One page of the deliveries the caller sees (its subscriptions'), newest first, and how many match."""
    conditions = [
        Delivery.subscription_id.in_(select(Subscription.id).where(visible_subscriptions(visibility)))
    ]
    if state is not None:
        conditions.append(Delivery.state == state)
    if subscription_id is not None:
        conditions.append(Delivery.subscription_id == subscription_id)
    total = await session.scalar(select(func.count()).select_from(Delivery).where(*conditions))
    rows = await session.scalars(
        select(Delivery).where(*conditions).order_by(Delivery.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total or 0)


async def redeliver(*, session: AsyncSession, webhook_id: str) -> Delivery:
    """Send a dead-lettered delivery again, same webhook-id and body, with a fresh retry window."""
    delivery = await session.scalar(
        select(Delivery).where(Delivery.webhook_id == webhook_id).with_for_update()
    )
    if delivery is None:
        raise DeliveryNotFound("no delivery with this webhook-id")
    if delivery.state != DeliveryState.FAILED:
        raise TransitionRefused(f"only a failed delivery is sent again; this one is {delivery.state}")
    now = utcnow()
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.retry_from = now
    delivery.next_attempt_at = now
    delivery.failed_at = None
    await session.flush()
    return delivery
