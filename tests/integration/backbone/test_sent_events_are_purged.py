"""Sent outbox rows and consumed embedded-log messages are deleted after their retention, so neither
becomes a lasting second copy of a child's data."""

import pytest
from sqlalchemy import text

from backbone.messaging.embedded import EmbeddedTransport
from backbone.system import System
from tests.support.pingpong_queries import received_rows, unsent_outbox_rows
from tests.support.system import serving
from tests.support.waiting import eventually


@pytest.mark.parametrize("pingpong_system", ["embedded"], indirect=True)
async def test_outbox_and_log_rows_are_purged_after_retention(pingpong_system: System) -> None:
    async with serving(pingpong_system) as client:
        note_id = (await client.post("/sender/v1/notes", json={"text": "purge me"})).json()["note_id"]
    await eventually(lambda: received_rows(pingpong_system, note_id), until=lambda n: n == 1, what="applied")
    await eventually(lambda: unsent_outbox_rows(pingpong_system), until=lambda n: n == 0, what="sent")

    relay = pingpong_system.runtime("sender").relay
    relay._retention_seconds = 3600
    assert await relay.purge_sent() == 0  # sent just now: kept for the retention period
    relay._retention_seconds = 0
    assert await relay.purge_sent() == 1

    transport = pingpong_system.transport
    assert isinstance(transport, EmbeddedTransport)
    transport._retention_seconds = 0
    assert await transport.purge() == 1  # the receiver's group committed past it
    async with pingpong_system.runtime("sender").engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM outbox")) == 0
    async with transport._require_engine().connect() as connection:  # the log has a role of its own
        assert await connection.scalar(text("SELECT count(*) FROM broker.messages")) == 0
