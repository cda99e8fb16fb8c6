"""What access decisions need to know of a report or a child's file (contracts/policies/access.v1.json)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import ResourceFacts

_REPORT = text("SELECT location_district, submitted_by FROM reports WHERE report_id = :id")
_CHILD = text(
    "SELECT c.district, EXISTS (SELECT 1 FROM intake_cases k WHERE k.child_id = c.child_id "
    "AND k.closed_at IS NULL) AS open_case FROM children c WHERE c.child_id = :id"
)


async def report_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A report is its submitter's, in the district where it happened."""
    row = (await session.execute(_REPORT, {"id": params["report_id"]})).first()
    return ResourceFacts(district=row.location_district, submitter=row.submitted_by) if row else None


async def child_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A child's file is civil affairs' (监护 lead) always, the police's while a case of the child is open."""
    row = (await session.execute(_CHILD, {"id": params["child_id"]})).first()
    if row is None:
        return None
    agencies = {"civil_affairs", "police"} if row.open_case else {"civil_affairs"}
    return ResourceFacts(district=row.district, agencies=frozenset(agencies))


_DETENTION = text(
    "SELECT d.district, (SELECT r.submitted_by FROM reports r WHERE r.detention_id = d.detention_id LIMIT 1) "
    "AS submitter FROM intake_detentions d WHERE d.detention_id = :id"
)


async def detention_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A detention is the police's who reported it, in its district."""
    row = (await session.execute(_DETENTION, {"id": params["detention_id"]})).first()
    if row is None:
        return None
    return ResourceFacts(district=row.district, agencies=frozenset({"police"}), submitter=row.submitter)


RESOURCES = {"report": report_facts, "child": child_facts, "detention": detention_facts}
