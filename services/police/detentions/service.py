"""The police's record of detentions whose children without care intake received (ids only).

The police ask every detained suspect whether minor children need care and give the children to
intake (`POST /intake/v1/detentions`), the only holder of children's personal data. Intake announces
the cases it opened (intake.detention_children_reported.v1); the police record them here.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backbone.db import insert_ignoring_conflict
from contracts.events.intake import DetentionChildrenReported
from services.police.detentions.models import PoliceDetention


async def record_detention(*, session: AsyncSession, event: DetentionChildrenReported) -> None:
    """Insert the detention's row unless it is already there."""
    await insert_ignoring_conflict(
        session,
        PoliceDetention.__table__,  # type: ignore[attr-defined]
        {
            "detention_id": event.detention_id,
            "detention_reference": event.detention_reference,
            "district": event.district,
            "area": event.area.value,
            "children_count": len(event.reports),
            "case_ids": event.case_ids,
            "found_at": event.found_at,
            "reported_at": event.received_at,
        },
        conflict="(detention_id)",
    )


async def detention(*, session: AsyncSession, detention_id: str) -> PoliceDetention | None:
    """The recorded detention, or None."""
    return await session.get(PoliceDetention, detention_id)
