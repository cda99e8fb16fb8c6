"""The service holding the clocks is down while one falls due: once back (as two replicas), exactly
one breach is emitted."""

import asyncio

from backbone.system import System
from tests.integration.deadlines.conftest import deadline_settings, intake, police, routing
from tests.support.deadline_events import alerts, report_p1_case
from tests.support.system import serving
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


async def test_breach_due_during_downtime_fires_once_with_two_replicas(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path
) -> None:
    settings = deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    first = System(settings, [routing, intake, police])
    await first.start()
    async with serving(first) as client:
        await report_p1_case(first, client, case_id="case-rs", at=fake_clock.now)
    await first.stop()

    fake_clock.advance(minutes=4)  # due at 3 minutes: it fell due while routing was down
    replicas = [System(settings, [routing]) for _ in range(2)]
    await asyncio.gather(*(r.start() for r in replicas))
    try:
        async with topic_reader(replicas[0].transport, "routing.events") as messages:
            await eventually(
                lambda: _count(messages, "sla.breached", "police.first_dispatch"),
                until=lambda n: n >= 1,
                what="breach",
            )
            fake_clock.advance(minutes=3)  # and the escalation after it, also once
            await eventually(
                lambda: _count(messages, "sla.escalated", "police.first_dispatch"),
                until=lambda n: n >= 1,
                what="esc",
            )
        assert _count_now(messages, "sla.breached") == 1
        assert _count_now(messages, "sla.escalated") == 1
        # Warnings that fell due while down are still owed once each, before the breach.
        assert sorted(
            w["threshold"] for w in alerts(messages, type_prefix="sla.warning", clock="police.first_dispatch")
        ) == [0.5, 0.75]
    finally:
        await asyncio.gather(*(r.stop() for r in replicas))


async def _count(messages, type_prefix: str, clock: str) -> int:
    return len(alerts(messages, type_prefix=type_prefix, clock=clock))


def _count_now(messages, type_prefix: str) -> int:
    return len(alerts(messages, type_prefix=type_prefix, clock="police.first_dispatch"))
