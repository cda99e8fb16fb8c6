"""Messages of the ping-pong services as a transport hands them to a consumer, for batch tests."""

from __future__ import annotations

from sqlalchemy import text

from backbone.messaging.transport import IncomingMessage
from backbone.system import System
from contracts.envelope import CloudEvent
from tests.support.pingpong import NoteWritten


def note_envelope(note_id: str, body: str, *, case: str = "case-7") -> CloudEvent:
    note = NoteWritten(note_id=note_id, text=body)
    return CloudEvent(source="/sender", type=note.TYPE, subject=case, data=note.model_dump())


def incoming(envelope: CloudEvent, *, offset: int) -> IncomingMessage:
    """The envelope as read from `sender.events` at `offset`."""
    key, headers, value = envelope.to_kafka()
    return IncomingMessage(
        topic="sender.events", partition=0, offset=offset, key=key, value=value, headers=dict(headers)
    )


async def inbox_rows(system: System, event_ids: list[str]) -> int:
    """How many of the events the receiver's inbox has recorded."""
    async with system.runtime("receiver").engine.connect() as connection:
        return await connection.scalar(
            text("SELECT count(*) FROM inbox WHERE event_id = ANY(:ids)"), {"ids": event_ids}
        )
