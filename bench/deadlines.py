"""Deadlines at scale: N running clocks in routing's table, the real timer loop, breach delay measured.

The delay of one clock is the Kafka timestamp of its `sla.breached.v1` record on routing.events (set by
routing's producer when the outbox relay sends it, after the timer's transaction committed) minus the
clock's due time. The event's own `fired_at` (when the timer claimed the clock) is reported as well.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from backbone.db import create_engine
from backbone.migrations import upgrade_service_schema
from backbone.system import load_definition
from bench.clockgen import COLUMNS, background_clocks, due_clocks
from bench.infra import Infra, kafka_security, plain_dsn
from bench.processes import RssSampler, spawn, stop, wait_ready
from bench.stats import latency_ms

log = logging.getLogger("bench")
TABLE = "routing_sla_clocks"
PARTITIONS = 3  # routing creates its topics with this many (KAFKA_TOPIC_PARTITIONS)


@dataclass
class DeadlineOptions:
    sizes: list[int]
    due: int
    window: float
    lead: float
    port: int
    log_level: str
    start_timeout: float


async def _migrate(database_url: str) -> None:
    engine = create_engine(database_url, schema="routing")
    try:
        await upgrade_service_schema(
            engine, schema="routing", service_migrations=load_definition("routing").migrations
        )
    finally:
        await engine.dispose()


async def _load_background(dsn: str, count: int, first: int) -> float:
    """COPY `count` background clocks; with many rows the indexes are dropped and rebuilt (as defined)."""
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn, server_settings={"search_path": "routing"})
    try:
        rebuild = count >= 50_000
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'routing' AND tablename = $1 "
            "AND indexname <> $2",
            TABLE,
            f"{TABLE}_pkey",
        )
        if rebuild:
            for index in indexes:
                await connection.execute(f'DROP INDEX routing."{index["indexname"]}"')
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # working days past the holiday data count Monday to Friday
            for chunk in background_clocks(
                count, now=datetime.now(UTC), horizon=timedelta(minutes=15), first=first
            ):
                await connection.copy_records_to_table(
                    TABLE, records=chunk, columns=COLUMNS, schema_name="routing"
                )
        if rebuild:
            await connection.execute("SET maintenance_work_mem = '256MB'")
            for index in indexes:
                await connection.execute(index["indexdef"])
        await connection.execute(f"VACUUM ANALYZE routing.{TABLE}")
    finally:
        await connection.close()
    return time.perf_counter() - started


async def _breaches(consumer: AIOKafkaConsumer, wanted: dict[str, datetime], within: float) -> dict:
    """Collect sla.breached records for the wanted subjects: Kafka and fired_at delays in seconds."""
    kafka_delays: list[float] = []
    fired_delays: list[float] = []
    seen: set[str] = set()
    deadline = time.monotonic() + within
    while len(seen) < len(wanted) and time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=200)
        for records in batches.values():
            for record in records:
                headers = dict(record.headers or ())
                if headers.get("ce_type") != b"sla.breached.v1":
                    continue
                data = json.loads(record.value)
                due = wanted.get(data["subject_id"])
                if due is None or data["subject_id"] in seen:
                    continue
                seen.add(data["subject_id"])
                kafka_delays.append(record.timestamp / 1000 - due.timestamp())
                fired_delays.append(datetime.fromisoformat(data["fired_at"]).timestamp() - due.timestamp())
    return {"breached": len(seen), "kafka": kafka_delays, "fired": fired_delays}


async def _measure(
    infra: Infra, opts: DeadlineOptions, database_url: str, namespace: str, logs: Path
) -> dict:
    env = {
        "BACKBONE_SERVICES": "routing",
        "BACKBONE_TRANSPORT": "kafka",
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka,
        "KAFKA_NAMESPACE": namespace,
        "LOG_LEVEL": opts.log_level,
        "KAFKA_TOPIC_PARTITIONS": str(PARTITIONS),
        # Its built-in issuer (no request needs a token here) keeps its state with the logs.
        "BACKBONE_DATA_DIR": str(logs),
    }
    args = [
        "-m",
        "uvicorn",
        "services.routing.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(opts.port),
        "--no-access-log",
    ]
    routing = spawn("routing", args, env, port=opts.port, ready_path="/routing/readyz", log_dir=logs)
    sampler = RssSampler([routing])
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka, enable_auto_commit=False, **kafka_security())
    try:
        ready_s = await wait_ready([routing], opts.start_timeout)
        sampler.start()
        await consumer.start()
        topic = f"{namespace}routing.events"
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        now = datetime.now(UTC)
        records = due_clocks(
            opts.due, first_due=now + timedelta(seconds=opts.lead), window=opts.window, now=now
        )
        wanted = {r[COLUMNS.index("subject_id")]: r[COLUMNS.index("due_at")] for r in records}
        connection = await asyncpg.connect(plain_dsn(database_url))
        try:
            await connection.copy_records_to_table(
                TABLE, records=records, columns=COLUMNS, schema_name="routing"
            )
            running = await connection.fetchval(
                f"SELECT count(*) FROM routing.{TABLE} WHERE state = 'running'"
            )
        finally:
            await connection.close()
        found = await _breaches(consumer, wanted, within=opts.lead + opts.window + 30)
    finally:
        stop([routing])
        await sampler.stop()
        await consumer.stop()
    return {
        "running_clocks": running,
        "due_in_window": opts.due,
        "window_s": opts.window,
        "routing_ready_s": round(ready_s, 2),
        "breached_seen": found["breached"],
        "delay_due_to_kafka_record": latency_ms(found["kafka"]),
        "delay_due_to_fired_at": latency_ms(found["fired"]),
        "routing_rss": sampler.summary()["routing"],
    }


async def run_deadlines(infra: Infra, opts: DeadlineOptions, *, tag: str, logs: Path) -> list[dict]:
    """One database; for each size (ascending) top up the background clocks, then measure."""
    database_url = await infra.create_database(f"{tag}_deadlines")
    await _migrate(database_url)
    dsn = plain_dsn(database_url)
    results, loaded = [], 0
    for size in sorted(opts.sizes):
        background = max(0, size - opts.due)
        load_s = await _load_background(dsn, background - loaded, loaded)
        loaded = background
        log.info("deadlines: %d clocks loaded in %.1f s; measuring", size, load_s)
        result = await _measure(
            infra, opts, database_url, f"{tag}.deadlines.{size}.", logs / f"deadlines_{size}"
        )
        result["load_seconds"] = round(load_s, 1)
        results.append(result)
        log.info("deadlines %d: %s", size, result["delay_due_to_kafka_record"])
        connection = await asyncpg.connect(dsn)
        try:  # the measured clocks go, so the next size counts exactly its own
            await connection.execute(f"DELETE FROM routing.{TABLE} WHERE id LIKE 'bench-due-%'")
        finally:
            await connection.close()
    return results
