"""An event written by one service reaches another service's database through the transport."""

from sqlalchemy import text

from backbone.system import System
from tests.support.pingpong_queries import received_rows, unsent_outbox_rows
from tests.support.system import serving
from tests.support.waiting import eventually


async def test_note_posted_to_sender_is_stored_by_receiver(pingpong_system: System) -> None:
    async with serving(pingpong_system) as client:
        response = await client.post("/sender/v1/notes", json={"text": "hello"})
    assert response.status_code == 202
    note_id = response.json()["note_id"]

    await eventually(
        lambda: received_rows(pingpong_system, note_id), until=lambda n: n == 1, what="note applied"
    )
    assert await unsent_outbox_rows(pingpong_system) == 0
    async with pingpong_system.runtime("receiver").engine.connect() as connection:
        body = await connection.scalar(
            text("SELECT body FROM received_notes WHERE note_id = :i"), {"i": note_id}
        )
    assert body == "hello"


async def test_readiness_reports_database_and_broker(pingpong_system: System) -> None:
    async with serving(pingpong_system) as client:
        ready = await client.get("/readyz")
        service_ready = await client.get("/receiver/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"sender.database": "ok", "receiver.database": "ok", "broker": "ok"}
    assert service_ready.status_code == 200
