"""Looking into the ping-pong services' databases from tests."""

from __future__ import annotations

from sqlalchemy import text

from backbone.system import System


async def received_rows(system: System, note_id: str) -> int:
    async with system.runtime("receiver").engine.connect() as connection:
        return await connection.scalar(
            text("SELECT count(*) FROM received_notes WHERE note_id = :i"), {"i": note_id}
        )


async def unsent_outbox_rows(system: System, service: str = "sender") -> int:
    async with system.runtime(service).engine.connect() as connection:
        return await connection.scalar(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
