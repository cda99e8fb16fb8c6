"""Registering, pausing, resuming and rotating an agency's webhook subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import Visibility, district_filter
from backbone.clock import utcnow
from backbone.sealing import KeyRing
from contracts.catalogue import PUSH_SERVICE, Catalogue
from services.notifications.models import Delivery, DeliveryState, Subscription, SubscriptionState
from services.notifications.secrets import new_secret, open_secret, seal_secret


class SubscriptionNotFound(LookupError):
    """No subscription with this id: 404."""


class TransitionRefused(Exception):
    """Pausing a paused subscription, resuming an active one: 409."""


class UnknownEventType(ValueError):
    def __init__(self, index: int) -> None:
        super().__init__("not an event type delivered to agencies; see GET /notifications/v1/event-types")
        self.index = index


def deliverable_families(catalogue: Catalogue) -> dict[str, int]:
    """Event type (family) -> the version delivered: every type the catalogue addresses to agencies."""
    return {s.family: catalogue.latest(s.family).version for s in catalogue.consumed_by(PUSH_SERVICE)}


async def create_subscription(
    *,
    session: AsyncSession,
    ring: KeyRing,
    catalogue: Catalogue,
    agency: str,
    districts: Sequence[str],
    created_by: str,
    url: str,
    event_types: Sequence[str],
    description: str | None,
) -> tuple[Subscription, str]:
    """Register a subscription for the caller's agency; returns it and its freshly drawn secret."""
    families = deliverable_families(catalogue)
    for index, family in enumerate(event_types):
        if family not in families:
            raise UnknownEventType(index)
    now = utcnow()
    subscription_id = str(uuid.uuid4())
    secret = new_secret()
    subscription = Subscription(
        id=subscription_id,
        agency=agency,
        districts=list(districts),
        url=url,
        event_types=sorted(set(event_types)),
        description=description,
        state=SubscriptionState.ACTIVE,
        sealed_secret=seal_secret(ring, secret, subscription_id=subscription_id),
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    await session.flush()
    return subscription, secret


def visible_subscriptions(visibility: Visibility) -> ColumnElement[bool]:
    """The subscriptions a caller sees: its agency's, registered in its districts (in SQL)."""
    return and_(
        Subscription.agency == (visibility.agency or ""),
        district_filter(literal_column("notification_subscriptions.districts[1]"), visibility),
    )


async def list_subscriptions(
    *, session: AsyncSession, visibility: Visibility, limit: int, offset: int
) -> tuple[list[Subscription], int]:
    """One page of the subscriptions the caller sees, newest first, and how many there are."""
    seen = visible_subscriptions(visibility)
    total = await session.scalar(select(func.count()).select_from(Subscription).where(seen))
    rows = await session.scalars(
        select(Subscription)
        .where(seen)
        .order_by(Subscription.created_at.desc(), Subscription.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)


async def get_subscription(
    *, session: AsyncSession, subscription_id: str, lock: bool = False
) -> Subscription:
    """The subscription with this id, or SubscriptionNotFound."""
    query = select(Subscription).where(Subscription.id == subscription_id)
    subscription = await session.scalar(query.with_for_update() if lock else query)
    if subscription is None:
        raise SubscriptionNotFound("no subscription with this id")
    return subscription


async def change_state(
    *, session: AsyncSession, subscription_id: str, state: SubscriptionState
) -> Subscription:
    """Pause or resume; resuming makes the deliveries that waited due at once, their retry window
    starting afresh (the time paused is not counted against the receiver)."""
    subscription = await get_subscription(session=session, subscription_id=subscription_id, lock=True)
    if subscription.state == state:
        raise TransitionRefused(f"the subscription is already {state.value}")
    now = utcnow()
    subscription.state = state
    subscription.updated_at = now
    if state == SubscriptionState.ACTIVE:
        await session.execute(
            update(Delivery)
            .where(Delivery.subscription_id == subscription_id, Delivery.state == DeliveryState.PENDING)
            .values(next_attempt_at=now, retry_from=now)
        )
    await session.flush()
    return subscription


async def rotate_secret(
    *, session: AsyncSession, ring: KeyRing, subscription_id: str, grace: timedelta
) -> tuple[Subscription, str]:
    """Draw a new secret; the current one keeps signing beside it for the grace period."""
    subscription = await get_subscription(session=session, subscription_id=subscription_id, lock=True)
    current = open_secret(ring, subscription.sealed_secret, subscription_id=subscription_id)
    secret = new_secret()
    now = utcnow()
    subscription.sealed_previous_secret = seal_secret(
        ring, current, subscription_id=subscription_id, field="previous_secret"
    )
    subscription.previous_secret_expires_at = now + grace
    subscription.sealed_secret = seal_secret(ring, secret, subscription_id=subscription_id)
    subscription.updated_at = now
    await session.flush()
    return subscription, secret


def signing_secrets(ring: KeyRing, subscription: Subscription) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous during its grace."""
    secrets = [open_secret(ring, subscription.sealed_secret, subscription_id=subscription.id)]
    expires = subscription.previous_secret_expires_at
    if subscription.sealed_previous_secret and expires is not None and expires > utcnow():
        secrets.append(
            open_secret(
                ring,
                subscription.sealed_previous_secret,
                subscription_id=subscription.id,
                field="previous_secret",
            )
        )
    return secrets
