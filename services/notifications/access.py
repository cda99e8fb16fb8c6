"""What access decisions need to know of a subscription (see contracts/policies/access.v1.json)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import ResourceFacts

# A subscription lies in the district of the system that registered it (the first of its districts).
_SUBSCRIPTION = text("SELECT agency, districts[1] AS district FROM notification_subscriptions WHERE id = :id")


async def subscription_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A subscription belongs to the agency that registered it, in that system's district."""
    row = (await session.execute(_SUBSCRIPTION, {"id": params["subscription_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset({row.agency})) if row else None


_DELIVERY = text(
    "SELECT d.agency, s.districts[1] AS district FROM notification_deliveries d "
    "JOIN notification_subscriptions s ON s.id = d.subscription_id WHERE d.webhook_id = :id"
)


async def delivery_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A delivery belongs to its subscription's agency and district."""
    row = (await session.execute(_DELIVERY, {"id": params["webhook_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset({row.agency})) if row else None


RESOURCES = {"subscription": subscription_facts, "delivery": delivery_facts}
