"""What access decisions need to know of an approval request: its case's district."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import ResourceFacts

_APPROVAL = text("SELECT district FROM civil_affairs_approvals WHERE approval_id = :id")


async def approval_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """An approval request is civil affairs', in its case's district."""
    district = await session.scalar(_APPROVAL, {"id": params["approval_id"]})
    return ResourceFacts(district=district, agencies=frozenset({"civil_affairs"})) if district else None
