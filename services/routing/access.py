"""What access decisions need to know of a case or a deadline (see contracts/policies/access.v1.json)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import ResourceFacts

# An agency asked to take a task's lead may read the case before it holds a referral on it.
_CASE = text(
    "SELECT c.district, array_remove(array_agg(DISTINCT r.agency), NULL) "
    "|| coalesce((SELECT array_agg(t.to_agency) FROM routing_lead_transfers t "
    "WHERE t.case_id = c.case_id AND t.status = 'requested'), '{}') AS agencies "
    "FROM routing_cases c LEFT JOIN routing_referrals r ON r.case_id = c.case_id "
    "WHERE c.case_id = :id GROUP BY c.case_id, c.district"
)
_LEAD = text(
    "SELECT c.district, r.agency FROM routing_referrals r JOIN routing_cases c ON c.case_id = r.case_id "
    "WHERE r.referral_id = :id AND r.role = 'lead'"
)
_TRANSFER = text(
    "SELECT c.district, t.to_agency FROM routing_lead_transfers t JOIN routing_cases c "
    "ON c.case_id = t.case_id WHERE t.transfer_id = :id"
)
# The open lead referrals of the same case and task: the lead agency answers for its task's referrals.
_TASK_LEAD = text(
    "SELECT c.district, array_remove(array_agg(DISTINCT l.agency), NULL) AS agencies "
    "FROM routing_referrals r JOIN routing_cases c ON c.case_id = r.case_id "
    "LEFT JOIN routing_referrals l ON l.case_id = r.case_id AND l.task = r.task AND l.role = 'lead' "
    "AND l.status IN ('pending', 'accepted', 'on_hold') AND l.referral_id <> r.referral_id "
    "WHERE r.referral_id = :id GROUP BY c.district"
)
_CLOCK = text(
    "SELECT c.district, k.agency FROM routing_sla_clocks k JOIN routing_cases c ON c.case_id = k.case_id "
    "WHERE k.id = :id"
)


async def case_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A case is addressed to every agency holding a referral on it."""
    row = (await session.execute(_CASE, {"id": params["case_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset(row.agencies)) if row else None


async def clock_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A deadline belongs to its agency, in its case's district."""
    row = (await session.execute(_CLOCK, {"id": params["clock_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset({row.agency})) if row else None


async def task_lead_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A referral is addressed to the lead agency of its task (another agency's open lead referral)."""
    row = (await session.execute(_TASK_LEAD, {"id": params["referral_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset(row.agencies)) if row else None


async def lead_referral_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A lead referral is addressed to its agency (a responsible one is no lead to transfer: 404)."""
    row = (await session.execute(_LEAD, {"id": params["referral_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset({row.agency})) if row else None


async def transfer_facts(session: AsyncSession, params: Mapping[str, str]) -> ResourceFacts | None:
    """A lead transfer is answered by the agency it asks to take the lead."""
    row = (await session.execute(_TRANSFER, {"id": params["transfer_id"]})).first()
    return ResourceFacts(district=row.district, agencies=frozenset({row.to_agency})) if row else None


RESOURCES = {
    "case": case_facts,
    "clock": clock_facts,
    "referral_of_task": task_lead_facts,
    "lead_referral": lead_referral_facts,
    "lead_transfer": transfer_facts,
}
