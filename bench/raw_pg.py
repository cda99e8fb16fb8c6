"""Raw PostgreSQL limit: single-row committed inserts with asyncpg, on one and on N connections."""

from __future__ import annotations

import asyncio
import time

import asyncpg

from bench.infra import plain_dsn
from bench.stats import latency_ms

TABLE = """
CREATE TABLE IF NOT EXISTS bench_raw_inserts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = "INSERT INTO bench_raw_inserts (event_id, payload) VALUES ($1, $2)"
# About the size of an outbox row's payload.
PAYLOAD = '{"type": "bench.row.v1", "subject": "case", "data": {"referral_id": "%s", "note": "%s"}}'


async def _worker(dsn: str, count: int, offset: int, latencies: list[float]) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        statement = await connection.prepare(INSERT)
        for index in range(offset, offset + count):
            started = time.perf_counter()
            # Outside a transaction block each statement is its own committed transaction.
            await statement.fetch(f"e{index}", PAYLOAD % (index, "x" * 200))
            latencies.append(time.perf_counter() - started)
    finally:
        await connection.close()


async def _insert_rate(dsn: str, total: int, connections: int) -> dict:
    latencies: list[float] = []
    share, extra = divmod(total, connections)
    counts = [share + (1 if i < extra else 0) for i in range(connections)]
    offsets = [sum(counts[:i]) for i in range(connections)]
    started = time.perf_counter()
    await asyncio.gather(*(_worker(dsn, c, o, latencies) for c, o in zip(counts, offsets, strict=True)))
    elapsed = time.perf_counter() - started
    return {
        "connections": connections,
        "inserts": total,
        "seconds": round(elapsed, 3),
        "inserts_per_s": round(total / elapsed, 1),
        "latency": latency_ms(latencies),
    }


async def run_raw_pg(database_url: str, *, inserts: int, connections: int) -> dict:
    """Committed single-row inserts per second on one connection, then on `connections` at once."""
    dsn = plain_dsn(database_url)
    setup = await asyncpg.connect(dsn)
    try:
        await setup.execute(TABLE)
        synchronous_commit = await setup.fetchval("SHOW synchronous_commit")
        fsync = await setup.fetchval("SHOW fsync")
    finally:
        await setup.close()
    one = await _insert_rate(dsn, inserts, 1)
    many = await _insert_rate(dsn, inserts, connections)
    return {
        "server_settings": {"synchronous_commit": synchronous_commit, "fsync": fsync},
        "one_connection": one,
        "concurrent": many,
    }
