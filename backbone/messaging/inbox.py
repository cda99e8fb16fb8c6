"""The inbox: which events a consumer has applied, claimed in the transaction that applies them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

from contracts.envelope import CloudEvent

# One statement for a batch of any size (one text, one prepared statement), in event id order, so two
# transactions claiming the same events (a redelivery after a rebalance) wait instead of deadlocking.
CLAIM = text(
    "INSERT INTO inbox (consumer, event_id, event_type) "
    "SELECT :consumer, claimed.event_id, claimed.event_type "
    "FROM unnest(:event_ids, :event_types) AS claimed(event_id, event_type) ORDER BY claimed.event_id "
    "ON CONFLICT DO NOTHING RETURNING event_id"
).bindparams(
    bindparam("consumer", type_=Text()),
    bindparam("event_ids", type_=ARRAY(Text())),
    bindparam("event_types", type_=ARRAY(Text())),
)


async def claim(session: AsyncSession, *, consumer: str, envelopes: Sequence[CloudEvent]) -> set[str]:
    """Record the events as applied by `consumer`; the ids of those not recorded before."""
    types = {envelope.id: envelope.type for envelope in envelopes}
    if not types:
        return set()
    result = await session.execute(
        CLAIM, {"consumer": consumer, "event_ids": list(types), "event_types": list(types.values())}
    )
    return set(result.scalars())
