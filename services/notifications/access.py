"""What access decisions need to know of a subscription (see contracts/policies/access.v1.json)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import ResourceFacts

_SUBSCRIPTION = text("SELECT agency FROM notification_subscriptions WHERE id = :id")


async def subscription_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A subscription belongs to the agency that registered it."""
    agency = await session.scalar(_SUBSCRIPTION, {"id": params["subscription_id"]})
    return ResourceFacts(agencies=frozenset({agency})) if agency else None


_DELIVERY = text("SELECT agency FROM notification_deliveries WHERE webhook_id = :id")


async def delivery_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A delivery belongs to the agency whose subscription it is for."""
    agency = await session.scalar(_DELIVERY, {"id": params["webhook_id"]})
    return ResourceFacts(agencies=frozenset({agency})) if agency else None


RESOURCES = {"subscription": subscription_facts, "delivery": delivery_facts}
