"""Appending to and reading a service's audit log (its own schema's `audit_log`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.audit.chain import GENESIS, record_hash
from backbone.auth.guard import Access
from backbone.clock import utcnow

_COLUMNS = (
    "recorded_at, service, action, method, route, subject, client_id, agency, role, resource, trace_id, "
    "purpose, prev_hash, hash"
)
_INSERT = text(
    f"INSERT INTO audit_log ({_COLUMNS}) VALUES (:recorded_at, :service, :action, :method, :route, :subject, "
    ":client_id, :agency, :role, CAST(:resource AS jsonb), :trace_id, :purpose, :prev_hash, :hash)"
)

# Locks the chain, then reads its head with a fresh snapshot (backbone/migrations/versions/..._0003).
_HEAD = text("SELECT audit_chain_head(:k)")


def audit_record(
    access: Access, *, service: str, extra_ids: Mapping[str, Any] | None = None, purpose: str | None = None
) -> dict[str, Any]:
    """The record of one call: ids only (path ids and the subjects of events it emitted)."""
    principal = access.caller()
    context = trace.get_current_span().get_span_context()
    resource = {**(access.resource_ids or {}), **(extra_ids or {})}
    return {
        "recorded_at": utcnow(),
        "service": service,
        "action": access.rule.action,
        "method": access.method,
        "route": access.route,
        "subject": principal.subject,
        "client_id": principal.client_id,
        "agency": principal.agency,
        "role": principal.role,
        "resource": resource,
        "trace_id": f"{context.trace_id:032x}" if context.is_valid else None,
        "purpose": purpose,
    }


async def append_audit(session: AsyncSession, record: dict[str, Any]) -> None:
    """Append one record, chained to the last; the lock orders concurrent appenders of one service.

    Two statements and the commit: the lock and the last hash in one (`audit_chain_head`, migration
    0003), then the insert. The lock is held until the transaction ends, so callers take it last."""
    last = await session.scalar(_HEAD, {"k": f"audit:{record['service']}"})
    prev_hash = last or GENESIS
    row = {**record, "prev_hash": prev_hash, "hash": record_hash(record, prev_hash)}
    await session.execute(_INSERT, {**row, "resource": json.dumps(record["resource"], sort_keys=True)})


async def read_chain(session: AsyncSession, *, after_id: int = 0, batch: int = 5000) -> list[dict[str, Any]]:
    """Records in id order from `after_id`, for verification."""
    rows = await session.execute(
        text(f"SELECT id, {_COLUMNS} FROM audit_log WHERE id > :after ORDER BY id LIMIT :n"),
        {"after": after_id, "n": batch},
    )
    return [dict(r._mapping) for r in rows]


async def query_audit(
    session: AsyncSession,
    *,
    resource: str | None,
    actor: str | None,
    since: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Records matching the filters, newest first, and how many match in all."""
    where, params = ["TRUE"], {"limit": limit, "offset": offset}
    if resource:
        where.append("EXISTS (SELECT 1 FROM jsonb_each_text(resource) AS r(k, v) WHERE r.v = :resource)")
        params["resource"] = resource
    if actor:
        where.append("(subject = :actor OR client_id = :actor)")
        params["actor"] = actor
    if since:
        where.append("recorded_at >= :since")
        params["since"] = since
    clause = " AND ".join(where)
    total = await session.scalar(text(f"SELECT count(*) FROM audit_log WHERE {clause}"), params)
    rows = await session.execute(
        text(
            f"SELECT id, {_COLUMNS} FROM audit_log WHERE {clause} ORDER BY id DESC "
            "LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return [dict(r._mapping) for r in rows], int(total or 0)
