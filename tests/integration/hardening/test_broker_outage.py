"""A broker outage: intake keeps accepting reports (into its outbox) and stays ready to accept, the log
says once that the broker went and once that it is back with the outage's length, and every report
accepted meanwhile is delivered afterwards.

The broker is a private Kafka this test stops and starts; the shared one is never touched.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from backbone.messaging.outage import BROKER_OUTAGE
from backbone.system import System
from tests.integration.intake.intake_api import build_report
from tests.support.private_infra import free_port, private_component
from tests.support.system import running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.kafka
WENT = "broker unreachable; Kafka client errors are held back until it answers again"
BACK = "broker reachable again"


@dataclass
class Outage:
    """What the test saw during one stop and start of the broker."""

    log_lines: list[dict[str, Any]] = field(default_factory=list)
    answers_during: list[httpx.Response] = field(default_factory=list)
    readiness_during: httpx.Response | None = None
    readiness_after: httpx.Response | None = None
    held_back: int = 0

    def lines(self, message: str) -> list[dict[str, Any]]:
        return [line for line in self.log_lines if line.get("message") == message]


async def _unsent(system: System) -> int:
    async with system.runtime("intake").engine.connect() as connection:
        return await connection.scalar(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


async def _log_has(stream: io.StringIO, message: str) -> bool:
    return f'"message": "{message}"' in stream.getvalue()


@pytest.fixture(scope="module")
async def outage(module_database_url: str) -> AsyncIterator[Outage]:
    port = free_port()
    seen = Outage()
    with private_component("kafka", KAFKA_PORT=port, KAFKA_CONTROLLER_PORT=free_port()) as kafka:
        broker = kafka.client_settings()  # its own SASL super user
        async with running_system(
            module_database_url,
            ["intake"],
            transport="kafka",
            kafka_bootstrap_servers=broker.pop("KAFKA_BOOTSTRAP_SERVERS"),
            kafka_namespace=f"t{uuid.uuid4().hex[:10]}.",
            **broker,
        ) as (system, client):
            handler = logging.getLogger().handlers[0]  # the JSON lines on stdout (configure_logging)
            stream = io.StringIO()
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(stream)
            try:
                await kafka.stop()
                await eventually(lambda: _log_has(stream, WENT), within=60, what="outage logged")
                for index in range(3):
                    body = build_report(**{"child.name": f"王小{'一二三'[index]}"})
                    seen.answers_during.append(await client.post("/intake/v1/reports", json=body))
                seen.readiness_during = await client.get("/intake/readyz")

                async def held_back() -> int:
                    return BROKER_OUTAGE.held_back

                # The Kafka client's flood is happening, and held back.
                seen.held_back = await eventually(held_back, until=lambda n: n >= 100, within=60)
                await kafka.start()
                await eventually(lambda: _log_has(stream, BACK), within=60, what="return logged")
                await eventually(lambda: _unsent(system), until=lambda n: n == 0, within=120)
                seen.readiness_after = await client.get("/intake/readyz")
            finally:
                handler.setStream(sys.stdout)
            seen.log_lines = [json.loads(line) for line in stream.getvalue().splitlines() if line]
            yield seen


async def test_the_outage_is_two_log_lines_not_a_flood(outage: Outage) -> None:
    [went] = outage.lines(WENT)
    [back] = outage.lines(BACK)
    assert went["level"] == "ERROR" and went["reason"]
    assert back["outage_seconds"] > 0 and back["held_back_log_records"] >= outage.held_back >= 100
    kafka_lines = [
        line
        for line in outage.log_lines
        if line["logger"].startswith("aiokafka") and line["level"] in ("WARNING", "ERROR", "CRITICAL")
    ]
    assert len(kafka_lines) <= 3, kafka_lines


async def test_intake_accepts_and_stays_ready_while_it_cannot_deliver(outage: Outage) -> None:
    assert [r.status_code for r in outage.answers_during] == [202, 202, 202]
    during = outage.readiness_during
    assert during is not None and during.status_code == 200, during
    assert during.json()["accept"] == "ok"
    assert during.json()["deliver"].startswith("failing")
    assert during.json()["status"] == "degraded"
    after = outage.readiness_after
    assert after is not None and after.status_code == 200
    assert (after.json()["accept"], after.json()["deliver"]) == ("ok", "ok")
