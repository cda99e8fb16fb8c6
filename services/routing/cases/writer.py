"""The set writer of the report path: one read under the case's lock, then one statement per table.

Plain SQL built once at import (SQLAlchemy caches text statements; it cannot cache PostgreSQL's
`insert().on_conflict_do_nothing()`), rows of a table in one `INSERT ... SELECT FROM unnest(...)`
whatever their number. No ORM: a handler may share its transaction with other messages' handlers, so
pending ORM changes are flushed first and nothing here relies on the session's identity map.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.cases.decide import CaseState, ReportPlan, Row
from services.routing.cases.models import OPEN_REFERRAL_STATUSES
from services.routing.triage import Priority

LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")
# The case (NULL columns when routing has none), whether the report was applied, and its referrals' keys.
STATE = text(
    "SELECT c.case_id, c.child_id, c.district, c.area, c.source, c.categories, c.immediate_danger, "
    "c.injured, c.child_age_years, c.priority, c.priority_reasons, "
    "EXISTS (SELECT 1 FROM routing_case_reports WHERE report_id = :report_id) AS seen, "
    "ARRAY(SELECT agency || '/' || task || '/' || role FROM routing_referrals r "
    "WHERE r.case_id = :case_id) AS referral_keys "
    "FROM (SELECT 1) AS one LEFT JOIN routing_cases c ON c.case_id = :case_id"
)
INSERT_REPORT = text(
    "INSERT INTO routing_case_reports (report_id, case_id, event_id, new_case, corroborates_report_id, "
    "categories, received_at) VALUES (:report_id, :case_id, :event_id, :new_case, :corroborates_report_id, "
    "CAST(:categories AS jsonb), :received_at)"
)
INSERT_CASE = text(
    "INSERT INTO routing_cases (case_id, child_id, child_display_name, child_gender, child_age_years, "
    "district, area, source, categories, immediate_danger, injured, priority, priority_reasons, "
    "rule_version, status, opened_at, updated_at) VALUES (:case_id, :child_id, :child_display_name, "
    ":child_gender, :child_age_years, :district, :area, :source, CAST(:categories AS jsonb), "
    ":immediate_danger, :injured, :priority, CAST(:priority_reasons AS jsonb), :rule_version, :status, "
    ":opened_at, :updated_at)"
)
UPDATE_CASE = text(
    "UPDATE routing_cases SET categories = CAST(:categories AS jsonb), immediate_danger = :immediate_danger, "
    "injured = :injured, child_age_years = :child_age_years, priority = :priority, "
    "priority_reasons = CAST(:priority_reasons AS jsonb), updated_at = :updated_at WHERE case_id = :case_id"
)
INSERT_PRIORITY_CHANGE = text(
    "INSERT INTO routing_priority_changes (case_id, previous_priority, priority, cause, reasons, "
    "rule_version, event_id, changed_at) VALUES (:case_id, :previous_priority, :priority, :cause, "
    "CAST(:reasons AS jsonb), :rule_version, :event_id, :changed_at)"
)
# Open referrals take the raised priority, as the agencies' inboxes do; settled ones keep theirs. The
# codes sort by urgency ("P1" < "P2"), so a less urgent referral's code is the greater.
RAISE_OPEN_REFERRALS = text(
    "UPDATE routing_referrals SET priority = :priority WHERE case_id = :case_id AND status IN ("
    + ", ".join(f"'{s.value}'" for s in OPEN_REFERRAL_STATUSES)
    + ") AND priority > :priority"
)
# WITH ORDINALITY ... ORDER BY: the identity `seq` follows the plan's order (the case view's order).
INSERT_REFERRALS = text(
    "INSERT INTO routing_referrals (referral_id, origin_key, case_id, agency, task, role, priority, "
    "emergency, rule_version, reason, replaces_referral_id, status, created_at) "
    "SELECT referral_id, origin_key, case_id, agency, task, role, priority, emergency, rule_version, "
    "reason, replaces_referral_id, status, created_at FROM unnest(CAST(:referral_id AS text[]), "
    "CAST(:origin_key AS text[]), CAST(:case_id AS text[]), CAST(:agency AS text[]), "
    "CAST(:task AS text[]), CAST(:role AS text[]), CAST(:priority AS text[]), "
    "CAST(:emergency AS boolean[]), CAST(:rule_version AS text[]), CAST(:reason AS text[]), "
    "CAST(:replaces_referral_id AS text[]), CAST(:status AS text[]), CAST(:created_at AS timestamptz[])) "
    "WITH ORDINALITY AS r(referral_id, origin_key, case_id, agency, task, role, priority, emergency, "
    "rule_version, reason, replaces_referral_id, status, created_at, n) ORDER BY n"
)
REFERRAL_COLUMNS = (
    "referral_id",
    "origin_key",
    "case_id",
    "agency",
    "task",
    "role",
    "priority",
    "emergency",
    "rule_version",
    "reason",
    "replaces_referral_id",
    "status",
    "created_at",
)
# The case's event log: each envelope once (a redelivered one is already there), in the given order.
# The data travels as text[]: a jsonb[] parameter would make asyncpg introspect its type on every prepare.
INSERT_EVENTS = text(
    "INSERT INTO routing_timeline (event_id, case_id, event_type, source, time, data) "
    "SELECT event_id, case_id, event_type, source, time, CAST(data AS jsonb) FROM unnest("
    "CAST(:event_id AS text[]), CAST(:case_id AS text[]), CAST(:event_type AS text[]), "
    "CAST(:source AS text[]), CAST(:time AS timestamptz[]), CAST(:data AS text[])) "
    "WITH ORDINALITY AS e(event_id, case_id, event_type, source, time, data, n) ORDER BY n "
    "ON CONFLICT (event_id) DO NOTHING"
)
EVENT_COLUMNS = ("event_id", "case_id", "event_type", "source", "time", "data")


@dataclass(frozen=True)
class ReportState:
    """The case a report is for (None when routing has none) and whether the report was applied."""

    case: CaseState | None
    report_seen: bool


async def lock_case(*, session: AsyncSession, case_id: str) -> None:
    """Serialise all work on one case (reports and agency events arrive on several topics at once)."""
    await session.execute(LOCK, {"key": f"routing-case:{case_id}"})


async def read_report_state(*, session: AsyncSession, case_id: str, report_id: str) -> ReportState:
    """Lock the case, then read it, its referrals' keys and whether the report was seen, in one query."""
    await session.flush()  # another message's ORM changes in this transaction are read too
    await lock_case(session=session, case_id=case_id)
    row = (await session.execute(STATE, {"case_id": case_id, "report_id": report_id})).one()
    if row.case_id is None:
        return ReportState(None, row.seen)
    keys = frozenset(tuple(key.split("/", 2)) for key in row.referral_keys)
    case = CaseState(
        case_id=row.case_id,
        child_id=row.child_id,
        district=row.district,
        area=row.area,
        source=row.source,
        categories=tuple(row.categories),
        immediate_danger=row.immediate_danger,
        injured=row.injured,
        child_age_years=row.child_age_years,
        priority=Priority(row.priority),
        priority_reasons=tuple(row.priority_reasons),
        referral_keys=keys,  # type: ignore[arg-type]  # three parts each
    )
    return ReportState(case, row.seen)


async def write_report_plan(*, session: AsyncSession, plan: ReportPlan) -> None:
    """Write the plan's rows: the report, the case, its priority change and referrals, once each."""
    await session.execute(INSERT_REPORT, _json(plan.report, "categories"))
    case = _json(plan.case, "categories", "priority_reasons")
    await session.execute(INSERT_CASE if plan.new_case else UPDATE_CASE, case)
    if plan.priority_change is not None:
        await session.execute(INSERT_PRIORITY_CHANGE, _json(plan.priority_change, "reasons"))
    if plan.raise_open_referrals_to is not None:
        await session.execute(
            RAISE_OPEN_REFERRALS,
            {"case_id": plan.case["case_id"], "priority": plan.raise_open_referrals_to.value},
        )
    if plan.referrals:
        await session.execute(INSERT_REFERRALS, _columns(plan.referrals, REFERRAL_COLUMNS))


async def append_events(*, session: AsyncSession, rows: Sequence[Row]) -> None:
    """Append envelopes to their cases' event logs (`timeline.event_row`), in order, once per event id."""
    if rows:
        values = _columns(rows, EVENT_COLUMNS)
        values["data"] = [json.dumps(d, ensure_ascii=False) for d in values["data"]]
        await session.execute(INSERT_EVENTS, values)


def _json(row: Row, *columns: str) -> dict[str, Any]:
    return row | {c: json.dumps(row[c], ensure_ascii=False) for c in columns}


def _columns(rows: Sequence[Row], columns: Sequence[str]) -> dict[str, list[Any]]:
    return {c: [row[c] for row in rows] for c in columns}
