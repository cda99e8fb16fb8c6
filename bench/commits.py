"""`python -m bench.commits`: transactions and statements the whole system runs for a burst of reports.

All six services in this process on a fresh database of the server DATABASE_URL names (embedded log or
Kafka), a burst of P1 reports posted at once, then counted from pg_stat_statements per service role
once every outbox is drained and no consumer lags. pg_stat_statements is updated as each statement
ends (pg_stat_database only when a backend flushes its statistics), so the counts are exact.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

import asyncpg

from backbone.db_access import drop_database_roles
from backbone.settings import Settings
from bench.idle import CONTROL
from bench.infra import plain_dsn, with_database
from bench.reports import report_body
from tests.support.leaks import unsent_outbox_rows
from tests.support.system import running_system

# Looks 0.2 s apart: on Kafka a consumer's lag is as of its last poll (every 0.5 s when idle).
QUIET_LOOKS = 8


async def _calls(admin: asyncpg.Connection) -> dict[tuple[str, str], int]:
    rows = await admin.fetch(
        "SELECT r.rolname AS role, s.query, sum(s.calls)::bigint AS calls FROM pg_stat_statements s "
        "JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.userid "
        "WHERE d.datname = current_database() AND r.rolname <> current_user GROUP BY r.rolname, s.query"
    )
    return {(row["role"], row["query"]): row["calls"] for row in rows}


async def _quiet(system, database_url: str) -> bool:
    """No unsent outbox row and no consumer behind, in every service."""
    if await unsent_outbox_rows(database_url):
        return False
    for name, runtime in system.runtimes.items():
        if runtime.consumer is None:
            continue
        lag = await system.transport.consumer_lag(group=name, topics=runtime.consumer.topics)
        if any(lag.values()):
            return False
    return True


async def _settle(system, database_url: str, within: float, *, referrals: int = 0) -> tuple[float, float]:
    """Seconds until police hold `referrals` referrals, and until nothing is left to relay or apply."""
    started, looks = time.monotonic(), 0
    admin = await asyncpg.connect(plain_dsn(database_url))
    try:
        while await admin.fetchval("SELECT count(*) FROM police.agency_referrals") < referrals:
            if time.monotonic() - started > within:
                raise TimeoutError("the police did not receive every referral")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    referred = time.monotonic() - started
    while looks < QUIET_LOOKS:
        if time.monotonic() - started > within:
            raise TimeoutError("the system did not settle")
        looks = looks + 1 if await _quiet(system, database_url) else 0
        await asyncio.sleep(0.2)
    return referred, time.monotonic() - started - 0.2 * QUIET_LOOKS


async def measure(
    server_url: str, *, transport: str, reports: int, kafka: str | None, top_queries: int = 0
) -> dict:
    """Counts for one burst of `reports` on a fresh database."""
    name = f"bench_commits_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(plain_dsn(server_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    database_url = with_database(server_url, name)
    admin = await asyncpg.connect(plain_dsn(database_url))
    try:
        await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        async with running_system(
            database_url,
            transport=transport,
            kafka_bootstrap_servers=kafka,
            kafka_namespace=f"{name}." if transport == "kafka" else "",
            LOG_LEVEL="WARNING",
            # The burst is posted at once and counted whole: intake admits all of it instead of
            # answering 503 to what exceeds its default bound (bench/load.py measures the shedding).
            HTTP_MAX_IN_FLIGHT=max(reports, 10),
        ) as (system, client):
            await _settle(system, database_url, 60)
            before = await _calls(admin)
            bodies = [report_body(i) for i in range(reports)]
            headers = {"content-type": "application/json"}
            answers = await asyncio.gather(
                *(client.post("/intake/v1/reports", content=b, headers=headers) for b in bodies)
            )
            assert all(a.status_code == 202 for a in answers), [a.status_code for a in answers]
            referred, seconds = await _settle(system, database_url, 300, referrals=reports)
            after = await _calls(admin)
    finally:
        await admin.close()
        admin = await asyncpg.connect(plain_dsn(server_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await drop_database_roles(admin, name)
        await admin.close()
    calls = {key: n - before.get(key, 0) for key, n in after.items() if n > before.get(key, 0)}
    per_service: dict[str, dict[str, int]] = {}
    for (role, query), n in calls.items():
        service = per_service.setdefault(role.split(".", 1)[-1], {"commits": 0, "statements": 0})
        service["statements"] += n
        if query.split(" ", 1)[0].upper() == "COMMIT":
            service["commits"] += n
    for role, service in per_service.items():
        ranked = sorted(((n, q) for (r, q), n in calls.items() if r.split(".", 1)[-1] == role), reverse=True)
        if top_queries:
            service["top_queries"] = [f"{n} × {' '.join(q.split())[:160]}" for n, q in ranked[:top_queries]]
    total_commits = sum(s["commits"] for s in per_service.values())
    control = sum(n for (_, q), n in calls.items() if q.split(" ", 1)[0].upper() in CONTROL)
    return {
        "transport": transport,
        "reports": reports,
        "police_referrals_all_seen_after_seconds": round(referred, 1),
        "settled_after_seconds": round(seconds, 1),
        "commits": total_commits,
        "commits_per_report": round(total_commits / reports, 1),
        "statements": sum(calls.values()),
        "statements_besides_transaction_control": sum(calls.values()) - control,
        "per_service": dict(sorted(per_service.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transport", choices=["embedded", "kafka"], default="embedded")
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--top-queries", type=int, default=0, help="list each service's N most run queries")
    args = parser.parse_args()
    settings = Settings()
    if not settings.database_url:
        raise SystemExit("DATABASE_URL names the PostgreSQL server to measure on")
    result = asyncio.run(
        measure(
            settings.database_url,
            transport=args.transport,
            reports=args.reports,
            kafka=settings.kafka_bootstrap_servers,
            top_queries=args.top_queries,
        )
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
