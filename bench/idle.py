"""What the system runs with no reports flowing: SQL statements and transactions per minute.

Counted by pg_stat_statements (deploy/local/postgres.sh preloads it) for the run's own database, so the
server's other databases and the benchmark's own queries do not count; without the extension only the
transactions are reported.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from bench.infra import plain_dsn

log = logging.getLogger("bench")
# Transaction control is counted apart: it says how many round trips the loops make.
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW", "DISCARD", "RESET")


async def measure_idle(database_url: str, *, seconds: float, settle_seconds: float = 5.0) -> dict:
    """Statements and transactions per minute over `seconds` after the system settled."""
    admin = await asyncpg.connect(plain_dsn(database_url))
    try:
        await asyncio.sleep(settle_seconds)
        extension = await _statements_extension(admin)
        before_xacts = await _transactions(admin)
        before = await _statements(admin) if extension else {}
        await asyncio.sleep(seconds)
        after = await _statements(admin) if extension else {}
        after_xacts = await _transactions(admin)
    finally:
        await admin.close()
    per_minute = 60.0 / seconds
    result: dict = {
        "seconds": seconds,
        "transactions_per_minute": round((after_xacts - before_xacts) * per_minute, 1),
    }
    if extension:
        calls = {query: count - before.get(query, 0) for query, count in after.items()}
        calls = {query: count for query, count in calls.items() if count > 0}
        control = sum(c for q, c in calls.items() if q.split(" ", 1)[0].upper() in CONTROL)
        result["statements_per_minute"] = round(sum(calls.values()) * per_minute, 1)
        result["statements_per_minute_besides_transaction_control"] = round(
            (sum(calls.values()) - control) * per_minute, 1
        )
        result["top"] = [
            {"per_minute": round(count * per_minute, 1), "query": query[:160]}
            for query, count in sorted(calls.items(), key=lambda item: -item[1])[:8]
        ]
    log.info("idle: %s", {k: v for k, v in result.items() if k != "top"})
    return result


async def _statements_extension(admin: asyncpg.Connection) -> bool:
    try:
        await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        await admin.fetchval("SELECT count(*) FROM pg_stat_statements")
    except asyncpg.PostgresError:
        log.warning("pg_stat_statements is not loaded: idle statements are not counted, only transactions")
        return False
    return True


async def _statements(admin: asyncpg.Connection) -> dict[str, int]:
    rows = await admin.fetch(
        "SELECT query, sum(calls)::bigint AS calls FROM pg_stat_statements s "
        "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() "
        "AND s.userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user) GROUP BY query"
    )
    return {row["query"]: row["calls"] for row in rows}


async def _transactions(admin: asyncpg.Connection) -> int:
    return await admin.fetchval(
        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
    )
