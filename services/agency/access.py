"""What access decisions need to know of an agency's referral (see contracts/policies/access.v1.json)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.guard import ResourceLoader
from backbone.auth.policy import ResourceFacts
from contracts.events.common import Agency, Role

_REFERRAL = text("SELECT district, role FROM agency_referrals WHERE referral_id = :id")


def referral_loaders(agency: Agency) -> dict[str, ResourceLoader]:
    """`referral`: addressed to this agency; `lead_referral`: addressed to it only when it leads the case."""

    async def load(
        session: AsyncSession, params: Mapping[str, str], *, lead_only: bool
    ) -> ResourceFacts | None:
        row = (await session.execute(_REFERRAL, {"id": params["referral_id"]})).first()
        if row is None:
            return None
        addressed = not lead_only or row.role == Role.LEAD.value
        return ResourceFacts(district=row.district, agencies=frozenset({agency.value} if addressed else ()))

    async def referral(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
        return await load(session, params, lead_only=False)

    async def lead_referral(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
        return await load(session, params, lead_only=True)

    return {"referral": referral, "lead_referral": lead_referral}


_DETENTION = text("SELECT district FROM police_detentions WHERE detention_id = :id")


async def detention_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A detention the police recorded, in its district."""
    district = await session.scalar(_DETENTION, {"id": params["detention_id"]})
    return ResourceFacts(district=district, agencies=frozenset({"police"})) if district else None
