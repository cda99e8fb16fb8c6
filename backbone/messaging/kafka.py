"""The Kafka transport: an idempotent producer with acks=all, consumers that commit after applying."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.protocol.metadata import MetadataRequest

from backbone.messaging.batching import handed_over, retry_delay
from backbone.messaging.outage import BROKER_OUTAGE, BrokerOutage
from backbone.messaging.transport import BatchHandler, IncomingMessage, OutgoingMessage

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36
# How often the transport asks the broker for metadata, to notice it has gone or come back.
BROKER_WATCH_SECONDS = 2.0
# Failed metadata requests in a row that make an outage: one slow answer on a loaded machine is not
# one (a refused connection is noticed sooner anyway, from the client's own errors).
BROKER_WATCH_FAILURES = 2
# A broker shutting down still answers metadata for a moment after its clients' errors began: the
# outage ends only after answers on consecutive looks, or one outage is logged as two.
BROKER_WATCH_SUCCESSES = 2


class KafkaTransport:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        security: Mapping[str, str] | None = None,
        partitions: int = 3,
        replication_factor: int = 1,
        namespace: str = "",
        outage: BrokerOutage = BROKER_OUTAGE,
    ) -> None:
        # SASL settings (Settings.kafka_security_options): every client this transport makes uses them.
        self._client = {"bootstrap_servers": bootstrap_servers, **(security or {})}
        # Prefixes topics and consumer groups, so several systems (cities, test runs) share one cluster.
        self._namespace = namespace
        self._partitions = partitions
        self._replication_factor = replication_factor
        self._producer: AIOKafkaProducer | None = None
        # group -> (topic, partition) -> messages behind, as of the group's last poll in this process
        self._lag: dict[str, dict[tuple[str, int], int]] = {}
        self._outage = outage
        self._watch: asyncio.Task | None = None

    async def start(self) -> None:
        """Connect the producer."""
        self._producer = AIOKafkaProducer(**self._client, enable_idempotence=True, acks="all", linger_ms=2)
        await self._producer.start()
        self._watch = asyncio.create_task(self._watch_broker(), name="kafka.broker_watch")

    async def _watch_broker(self) -> None:
        """Tell the outage log when the broker stops or starts answering."""
        failures = successes = 0
        while True:
            try:
                await self.ping()
            except Exception as error:
                failures, successes = failures + 1, 0
                if failures >= BROKER_WATCH_FAILURES:
                    self._outage.went_away(reason=f"metadata request failed: {type(error).__name__}")
            else:
                failures, successes = 0, successes + 1
                if successes >= BROKER_WATCH_SUCCESSES:
                    self._outage.came_back()
            await asyncio.sleep(BROKER_WATCH_SECONDS)

    async def stop(self) -> None:
        """Flush and close the producer."""
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create missing topics with the configured partitions and replication."""
        admin = AIOKafkaAdminClient(**self._client)
        await admin.start()
        try:
            wanted = {self._namespace + t for t in topics}
            missing = sorted(wanted - set(await admin.list_topics()))
            if missing:
                response = await admin.create_topics(
                    [NewTopic(t, self._partitions, self._replication_factor) for t in missing]
                )
                # aiokafka reports per-topic failures in the response instead of raising them.
                failed = [
                    f"{error[0]}: error code {error[1]} {error[2] if len(error) > 2 else ''}"
                    for error in response.topic_errors
                    if error[1] not in (0, TOPIC_ALREADY_EXISTS)
                ]
                if failed:
                    raise RuntimeError(f"could not create Kafka topics: {failed}")
                log.info("created topics", extra={"topics": missing})
        finally:
            await admin.close()

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Send every message and wait until the broker acknowledged all of them."""
        if self._producer is None:
            raise RuntimeError("transport not started")
        deliveries = [
            await self._producer.send(self._namespace + m.topic, m.value, key=m.key, headers=m.headers)
            for m in messages
        ]
        await asyncio.gather(*deliveries)

    async def ping(self) -> None:
        """Raise unless a broker answers a metadata request."""
        if self._producer is None:
            raise RuntimeError("transport not started")
        client = self._producer.client
        node = client.get_random_node()
        if node is None:
            await asyncio.wait_for(client.fetch_all_metadata(), timeout=5)
            return
        # The brokers only (an empty topic list): every service asks every 2 s, and the whole cluster's
        # metadata (every topic of every namespace) was most of an idle consumer's CPU.
        await asyncio.wait_for(client.send(node, MetadataRequest([])), timeout=5)

    async def consume(self, *, group: str, topics: Sequence[str], handle: BatchHandler) -> None:
        """Hand each partition's batch to `handle` (partitions concurrently); commit what it applied."""
        consumer = AIOKafkaConsumer(
            *[self._namespace + t for t in topics],
            **self._client,
            group_id=self._namespace + group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=200,
        )
        failures = 0
        try:
            # Inside the try: a start that fails (broker down) must still close what it opened.
            await consumer.start()
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                outcomes = await asyncio.gather(
                    *(self._apply_partition(records, handle) for records in batches.values())
                )
                retry = False
                for partition, records, failed_at in zip(batches, batches.values(), outcomes, strict=True):
                    next_offset = records[-1].offset + 1 if failed_at is None else failed_at
                    if next_offset > records[0].offset:
                        await _commit(consumer, partition, next_offset)
                    if failed_at is not None:
                        # A handler failed (e.g. database down): replay from the failed record later.
                        consumer.seek(partition, failed_at)
                        retry = True
                await self._note_lag(group, consumer)
                failures = failures + 1 if retry else 0
                if retry:
                    await asyncio.sleep(retry_delay(failures))
        finally:
            await consumer.stop()

    async def _note_lag(self, group: str, consumer: AIOKafkaConsumer) -> None:
        # The highwater mark comes with every fetch response: knowing the lag costs no request.
        lag: dict[tuple[str, int], int] = {}
        for partition in consumer.assignment():
            highwater = consumer.highwater(partition)
            if highwater is None:
                continue
            try:
                behind = highwater - await consumer.position(partition)
            except IllegalStateError:  # revoked by a rebalance meanwhile
                continue
            lag[(partition.topic[len(self._namespace) :], partition.partition)] = max(behind, 0)
        self._lag[group] = lag

    async def consumer_lag(self, *, group: str, topics: Sequence[str]) -> dict[str, int]:
        """Per topic, highwater less position over the partitions this process's consumer holds."""
        totals = dict.fromkeys(topics, 0)
        for (topic, _), behind in self._lag.get(group, {}).items():
            if topic in totals:
                totals[topic] += behind
        return totals

    async def _apply_partition(self, records: list, handle: BatchHandler) -> int | None:
        messages = [
            IncomingMessage(
                topic=record.topic[len(self._namespace) :],
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers=dict(record.headers or ()),
            )
            for record in records
        ]
        return await handed_over(messages, handle)


async def _commit(consumer: AIOKafkaConsumer, partition: TopicPartition, next_offset: int) -> None:
    try:
        await consumer.commit({partition: next_offset})
    except CommitFailedError:
        # The partition moved to another member during a rebalance; it will redeliver, and the
        # inbox makes that redelivery a no-op.
        log.warning("offset commit lost to a rebalance", extra={"partition": partition.partition})
