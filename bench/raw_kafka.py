"""Raw Kafka limit: produce to A, hop A→B, hop B→C, consume C, with no database in between.

Three hops like intake → routing → police. Every client uses the services' settings (idempotent
producer, acks=all, linger 2 ms; consumers with manual commits after the batch is handled, 200
records a poll), so the difference to the system is the services' own work.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.infra import kafka_security
from bench.stats import latency_ms

PAD = "x" * 700  # an event envelope is about 1 kB


def _producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2, **kafka_security()
    )


def _consumer(bootstrap: str, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        **kafka_security(),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
    )


async def _hop(consumer: AIOKafkaConsumer, producer: AIOKafkaProducer, target: str) -> None:
    """Forward every record, wait for the broker's acks, then commit: a service's hop minus its work."""
    while True:
        batches = await consumer.getmany(timeout_ms=100)
        for partition, records in batches.items():
            deliveries = [await producer.send(target, r.value, key=r.key) for r in records]
            await asyncio.gather(*deliveries)
            await consumer.commit({partition: records[-1].offset + 1})


class _Sink:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.last_seen: dict[str, float] = {}
        self.wanted: dict[str, int] = {}
        self.done: dict[str, asyncio.Event] = {}

    def expect(self, phase: str, count: int) -> asyncio.Event:
        self.latencies[phase], self.wanted[phase], self.done[phase] = [], count, asyncio.Event()
        return self.done[phase]

    async def run(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for partition, records in batches.items():
                for record in records:
                    message = json.loads(record.value)
                    phase = message["phase"]
                    self.latencies[phase].append(now - message["sent"])
                    self.last_seen[phase] = now
                    if len(self.latencies[phase]) >= self.wanted[phase]:
                        self.done[phase].set()
                await consumer.commit({partition: records[-1].offset + 1})


async def _send(producer: AIOKafkaProducer, topic: str, phase: str, index: int) -> asyncio.Future:
    value = json.dumps({"phase": phase, "id": index, "sent": time.perf_counter(), "pad": PAD}).encode()
    return await producer.send(topic, value, key=str(index).encode())


async def _phase(sink: _Sink, producer, topic: str, phase: str, count: int, rate: float | None) -> dict:
    done = sink.expect(phase, count)
    started = time.perf_counter()
    deliveries = []
    for index in range(count):
        if rate:
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        deliveries.append(await _send(producer, topic, phase, index))
    await asyncio.gather(*deliveries)
    await asyncio.wait_for(done.wait(), timeout=max(60.0, count / 100))
    elapsed = sink.last_seen[phase] - started
    return {
        "messages": count,
        "offered_rate_per_s": rate,
        "seconds": round(elapsed, 3),
        "throughput_msgs_per_s": round(count / elapsed, 1),
        "latency": latency_ms(sink.latencies[phase]),
    }


async def run_raw_kafka(bootstrap: str, namespace: str, *, messages: int, paced_rate: float) -> dict:
    """Saturating throughput of the 3-hop pipeline, then latency at a paced rate."""
    topics = [f"{namespace}raw.{name}" for name in "abc"]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **kafka_security())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 3, 1) for t in topics])
    finally:
        await admin.close()
    producers = [_producer(bootstrap) for _ in range(3)]
    consumers = [_consumer(bootstrap, topics[i], f"{namespace}raw.hop{i}") for i in range(3)]
    for client in (*producers, *consumers):
        await client.start()
    sink = _Sink()
    tasks = [
        asyncio.create_task(_hop(consumers[0], producers[1], topics[1])),
        asyncio.create_task(_hop(consumers[1], producers[2], topics[2])),
        asyncio.create_task(sink.run(consumers[2])),
    ]
    try:
        await _wait_assigned(consumers, tasks)
        # A short warm-up so connections and metadata are in place before anything is timed.
        await _phase(sink, producers[0], topics[0], "warmup", min(50, messages), None)
        saturated = await _phase(sink, producers[0], topics[0], "saturated", messages, None)
        paced_count = max(20, min(messages, int(paced_rate * 5)))
        paced = await _phase(sink, producers[0], topics[0], "paced", paced_count, paced_rate)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for client in (*consumers, *producers):
            await client.stop()
    return {"hops": 3, "partitions": 3, "saturated": saturated, "paced": paced}


async def _wait_assigned(consumers: list[AIOKafkaConsumer], tasks: list[asyncio.Task]) -> None:
    deadline = time.monotonic() + 60
    while not all(c.assignment() for c in consumers):
        for task in tasks:
            if task.done():
                task.result()
        if time.monotonic() > deadline:
            raise TimeoutError("raw pipeline consumers got no partitions within 60 s")
        await asyncio.sleep(0.05)
