"""Looking for markers everywhere data goes: every table of every schema, Kafka topics, logs and spans."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterable, Iterator

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from backbone.db import asyncpg_url
from backbone.telemetry import add_span_processor, configure_tracing

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def hits(markers: Iterable[str], text: str, *, where: str) -> list[str]:
    """`where: marker` for each marker found in the text, as it is or escaped as JSON would."""
    return [f"{where}: {marker}" for marker in markers if marker in text or json.dumps(marker)[1:-1] in text]


async def _connect(database_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(asyncpg_url(database_url).replace("+asyncpg", "", 1))


async def unsent_outbox_rows(database_url: str) -> int:
    """Outbox rows not yet published, across every service's schema."""
    connection = await _connect(database_url)
    try:
        schemas = await connection.fetch(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'"
        )
        counts = [
            await connection.fetchval(f'SELECT count(*) FROM "{s}".outbox WHERE sent_at IS NULL')
            for (s,) in schemas
        ]
        return sum(counts)
    finally:
        await connection.close()


async def table_texts(database_url: str) -> dict[str, str]:
    """Every row of every table of every schema, as text, by `schema.table`."""
    connection = await _connect(database_url)
    try:
        tables = await connection.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema <> ALL($1::text[])",
            list(SYSTEM_SCHEMAS),
        )
        texts = {}
        for schema, table in tables:
            columns = await connection.fetch(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = $1 AND table_name = $2",
                schema,
                table,
            )
            # bytea (the embedded log's keys and values) is read as the UTF-8 text it holds, not as hex.
            shown = " || ' ' || ".join(_as_text(name, kind) for name, kind in columns)
            texts[f"{schema}.{table}"] = await connection.fetchval(
                f'SELECT coalesce(string_agg({shown}, chr(10)), \'\') FROM "{schema}"."{table}"'
            )
        return texts
    finally:
        await connection.close()


def _as_text(column: str, kind: str) -> str:
    """A column as text; bytea (the embedded log's keys and values) as the UTF-8 it holds, not hex."""
    value = f"convert_from(\"{column}\", 'UTF8')" if kind == "bytea" else f'"{column}"::text'
    return f"coalesce({value}, '')"


async def kafka_texts(bootstrap_servers: str, namespace: str) -> dict[str, str]:
    """Every message (key, headers, value) of every topic in the namespace, as text, by topic."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if t.startswith(namespace))
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        texts = {t: [] for t in topics}
        remaining = {tp for tp, end in ends.items() if end > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=2000)
            for tp, records in batch.items():
                for record in records:
                    headers = " ".join(f"{k}={v!r}" for k, v in record.headers)
                    value = record.value.decode(errors="replace")
                    texts[tp.topic].append(f"{record.key!r} {headers} {value}")
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
        return {t: "\n".join(lines) for t, lines in texts.items()}
    finally:
        await consumer.stop()


@contextlib.contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record while the block runs, formatted as the service's JSON log handler writes it."""
    root = logging.getLogger()
    installed = root.handlers[0]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(installed.formatter)
    for log_filter in installed.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)


def span_exporter() -> InMemorySpanExporter:
    """An in-memory exporter receiving every span the process ends from now on."""
    configure_tracing(service_name="tests", otlp_endpoint=None)
    exporter = InMemorySpanExporter()
    add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def span_text(span: ReadableSpan) -> str:
    """Everything a span exports: name, attributes, events and their attributes, status, links."""
    parts = [span.name, repr(dict(span.attributes or {})), repr(span.status.description)]
    parts += [f"{e.name} {dict(e.attributes or {})!r}" for e in span.events]
    parts += [repr(dict(link.attributes or {})) for link in span.links]
    return " ".join(parts)
