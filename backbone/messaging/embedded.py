"""The embedded transport: a durable, ordered log in PostgreSQL for the single-process default.

It keeps Kafka's contract (ordered per topic, offsets committed only after a handler returned), so the
same handlers, outbox and inbox run unchanged; nothing accepted is lost if the process dies.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backbone.db import create_engine, ping
from backbone.messaging.batching import handed_over, retry_delay
from backbone.messaging.transport import BatchHandler, IncomingMessage, OutgoingMessage
from backbone.messaging.wakeups import CommitListener

log = logging.getLogger(__name__)
# Readers are woken by a notification on every append (from any process); they poll as a safety net,
# rarely while notifications arrive and every second while the listener is reconnecting.
POLL_SECONDS = 1.0
POLL_SECONDS_WHILE_NOTIFIED = 300.0
APPENDED_CHANNEL = "backbone_broker_appended"
PURGE_EVERY_SECONDS = 600.0
BATCH = 200

# Run by the system as the schema's owner (backbone.db_access) before the transport starts: the
# transport's own role may read and write the log, not change its tables.
LOG_TABLES = (
    "CREATE TABLE IF NOT EXISTS broker.messages (topic text NOT NULL, seq bigint NOT NULL, key bytea, "
    "headers jsonb NOT NULL, value bytea NOT NULL, appended_at timestamptz NOT NULL DEFAULT now(), "
    "PRIMARY KEY (topic, seq))",
    "CREATE TABLE IF NOT EXISTS broker.offsets (consumer_group text NOT NULL, topic text NOT NULL, "
    "committed bigint NOT NULL, PRIMARY KEY (consumer_group, topic))",
)
LOG_SCHEMA = "broker"


class EmbeddedTransport:
    def __init__(self, database_url: str, *, retention_seconds: float = 86400) -> None:
        self._database_url = database_url
        self._retention_seconds = retention_seconds
        self._purger: asyncio.Task | None = None
        self._engine: AsyncEngine | None = None
        # topic -> one event per reader (group) of it: each reader clears only its own, so one reader's
        # look never swallows another's wake-up
        self._appended: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._listener = CommitListener(database_url, channel=APPENDED_CHANNEL, on_notify=self._notified)

    def _notified(self, topic: str) -> None:
        for name in [topic] if topic else list(self._appended):
            self._wake_readers(name)

    def _wake_readers(self, topic: str) -> None:
        for appended in self._appended[topic]:
            appended.set()

    async def start(self) -> None:
        """Connect to the log (its tables are LOG_TABLES, created by the system beforehand)."""
        self._engine = create_engine(self._database_url, schema=LOG_SCHEMA, pool_size=3)
        self._purger = asyncio.create_task(self._purge_forever(), name="embedded-log-purge")
        await self._listener.start()

    async def purge(self) -> int:
        """Delete messages past retention that every consumer group has committed past."""
        async with self._require_engine().begin() as connection:
            result = await connection.execute(
                text(
                    "DELETE FROM broker.messages m WHERE m.appended_at < now() - make_interval(secs => :r) "
                    "AND m.seq <= coalesce((SELECT min(o.committed) FROM broker.offsets o "
                    "WHERE o.topic = m.topic), m.seq)"
                ),
                {"r": self._retention_seconds},
            )
        return result.rowcount

    async def _purge_forever(self) -> None:
        # Like Kafka's retention: the log must not keep events (some carry a child's data) forever.
        while True:
            await asyncio.sleep(PURGE_EVERY_SECONDS)
            try:
                await self.purge()
            except Exception:
                log.exception("embedded log purge failed; will retry")

    async def stop(self) -> None:
        """Close the log's connections."""
        await self._listener.stop()
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger
        if self._engine is not None:
            await self._engine.dispose()

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Topics need no creation in the embedded log."""

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Append messages; a per-topic lock keeps sequence numbers gapless in commit order."""
        async with self._require_engine().begin() as connection:
            for topic in sorted({m.topic for m in messages}):
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:t)), pg_notify(:channel, :topic)"),
                    {"t": f"broker:{topic}", "channel": APPENDED_CHANNEL, "topic": topic},
                )
            for message in messages:
                headers = {k: base64.b64encode(v).decode() for k, v in message.headers}
                await connection.execute(
                    text(
                        "INSERT INTO broker.messages (topic, seq, key, headers, value) SELECT :topic, "
                        "coalesce(max(seq), 0) + 1, :key, CAST(:headers AS jsonb), :value "
                        "FROM broker.messages WHERE topic = :topic"
                    ),
                    {
                        "topic": message.topic,
                        "key": message.key,
                        "headers": json.dumps(headers),
                        "value": message.value,
                    },
                )
        for topic in {m.topic for m in messages}:
            self._wake_readers(topic)

    async def ping(self) -> None:
        """Raise unless the log's database answers."""
        await ping(self._require_engine())

    async def consume(self, *, group: str, topics: Sequence[str], handle: BatchHandler) -> None:
        """One ordered reader per topic for the group."""
        async with asyncio.TaskGroup() as readers:
            for topic in topics:
                readers.create_task(self._consume_topic(group, topic, handle))

    async def _consume_topic(self, group: str, topic: str, handle: BatchHandler) -> None:
        engine = self._require_engine()
        appended = asyncio.Event()
        self._appended[topic].add(appended)
        try:
            await self._read_forever(engine, group, topic, handle, appended)
        finally:
            self._appended[topic].discard(appended)

    async def _read_forever(
        self, engine: AsyncEngine, group: str, topic: str, handle: BatchHandler, appended: asyncio.Event
    ) -> None:
        failures = 0
        while True:
            appended.clear()
            async with engine.connect() as connection:
                # One statement outside a transaction: an idle look is a single round trip.
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                rows = (
                    await autocommit.execute(
                        text(
                            "SELECT seq, key, headers, value FROM broker.messages WHERE topic = :t "
                            "AND seq > coalesce((SELECT committed FROM broker.offsets "
                            "WHERE consumer_group = :g AND topic = :t), 0) ORDER BY seq LIMIT :n"
                        ),
                        {"t": topic, "g": group, "n": BATCH},
                    )
                ).all()
            messages = [
                IncomingMessage(
                    topic=topic,
                    partition=0,
                    offset=seq,
                    key=key,
                    value=value,
                    headers={k: base64.b64decode(v) for k, v in headers.items()},
                )
                for seq, key, headers, value in rows
            ]
            failed_at = await handed_over(messages, handle)
            # One offset commit per batch, up to the message before the first one not applied.
            applied_up_to = (messages[-1].offset if messages else 0) if failed_at is None else failed_at - 1
            if messages and applied_up_to >= messages[0].offset:
                await self._commit(group, topic, applied_up_to)
            if failed_at is not None:
                failures += 1
                await asyncio.sleep(retry_delay(failures))
                continue
            failures = 0
            if len(rows) < BATCH:
                # asyncio.timeout, not wait_for (see OutboxRelay.run).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(
                        POLL_SECONDS_WHILE_NOTIFIED if self._listener.listening else POLL_SECONDS
                    ):
                        await appended.wait()

    async def consumer_lag(self, *, group: str, topics: Sequence[str]) -> dict[str, int]:
        """The newest sequence number of each topic less the group's committed one: one query."""
        async with self._require_engine().connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT t.topic, coalesce((SELECT max(m.seq) FROM broker.messages m "
                    "WHERE m.topic = t.topic), 0) - coalesce(o.committed, 0) "
                    "FROM unnest(CAST(:topics AS text[])) AS t(topic) LEFT JOIN broker.offsets o "
                    "ON o.consumer_group = :g AND o.topic = t.topic"
                ),
                {"topics": list(topics), "g": group},
            )
            return {topic: max(int(lag), 0) for topic, lag in rows}

    async def _commit(self, group: str, topic: str, seq: int) -> None:
        async with self._require_engine().begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO broker.offsets (consumer_group, topic, committed) VALUES (:g, :t, :s) "
                    "ON CONFLICT (consumer_group, topic) DO UPDATE SET committed = excluded.committed"
                ),
                {"g": group, "t": topic, "s": seq},
            )

    def _require_engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("transport not started")
        return self._engine
