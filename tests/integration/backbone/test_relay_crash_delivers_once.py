"""The relay dies between commit and publish, and again between publish and marking sent: the event
still arrives, and is applied exactly once."""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from backbone.messaging.transport import OutgoingMessage, Transport, create_transport
from backbone.system import System
from tests.support import pingpong
from tests.support.pingpong import create_pingpong_tables, pingpong_settings
from tests.support.pingpong_queries import received_rows, unsent_outbox_rows
from tests.support.system import serving
from tests.support.waiting import eventually


class RelayKilled(Exception):
    """Stands for the relay's process dying: its open transaction rolls back, as it would on a lost
    connection, and the supervisor starts the relay again, as a process manager would."""


class DyingRelayTransport:
    """The real transport, except the sender's relay dies twice: once before and once after publishing."""

    def __init__(self, real: Transport) -> None:
        self.real = real
        self.deaths: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if any(m.topic == "sender.events" for m in messages):
            if not self.deaths:
                self.deaths.append("after commit, before publish")
                raise RelayKilled
            if len(self.deaths) == 1:
                await self.real.publish(messages)
                self.deaths.append("after publish, before marking sent")
                raise RelayKilled
        await self.real.publish(messages)


@pytest.fixture(params=["kafka", "embedded"])
async def dying_relay_system(
    request: pytest.FixtureRequest,
    fresh_database_url: str,
    kafka_bootstrap_servers: str,
    kafka_namespace: str,
    tmp_path: Path,
) -> AsyncIterator[tuple[System, DyingRelayTransport]]:
    await create_pingpong_tables(fresh_database_url)
    settings = pingpong_settings(
        fresh_database_url, kafka_bootstrap_servers, kafka_namespace, request.param, tmp_path
    )
    transport = DyingRelayTransport(
        create_transport(
            request.param,
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            kafka_security=settings.kafka_security_options(),
            database_url=fresh_database_url,
            namespace=kafka_namespace,
        )
    )
    system = System(
        settings, [pingpong.sender, pingpong.receiver], catalogue=pingpong.catalogue, transport=transport
    )
    await system.start()
    yield system, transport
    await system.stop()


async def test_event_survives_relay_deaths_and_is_applied_once(
    dying_relay_system: tuple[System, DyingRelayTransport],
) -> None:
    system, transport = dying_relay_system
    async with serving(system) as client:
        response = await client.post("/sender/v1/notes", json={"text": "must not be lost"})
    note_id = response.json()["note_id"]

    await eventually(lambda: received_rows(system, note_id), until=lambda n: n >= 1, what="note applied")
    await eventually(lambda: unsent_outbox_rows(system), until=lambda n: n == 0, what="outbox drained")
    assert transport.deaths == ["after commit, before publish", "after publish, before marking sent"]
    assert await received_rows(system, note_id) == 1
