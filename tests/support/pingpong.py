"""Two small services on the real runtime: `sender` records a note and emits an event, `receiver` stores it.

They exercise the backbone (outbox, relay, transports, inbox, dead letters, tracing) without any domain.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import text

from backbone.service import ServiceDefinition, get_uow
from backbone.settings import Settings
from backbone.uow import UnitOfWork
from contracts.catalogue import Catalogue
from contracts.envelope import CloudEvent, Event
from tests.support.system import test_identity

catalogue = Catalogue(services=("sender", "receiver"))


class NoteWritten(Event):
    """A note was written."""

    TYPE = "note.written.v1"
    note_id: str
    text: str


catalogue.register(NoteWritten, publishers=("sender",), consumers=("receiver",))

router = APIRouter(prefix="/v1")


class WriteNote(BaseModel):
    text: str


@router.post("/notes", status_code=202)
async def write_note(body: WriteNote, uow: UnitOfWork = Depends(get_uow)) -> dict[str, str]:
    note_id = str(uuid.uuid4())
    async with uow:
        await uow.session.execute(
            text("INSERT INTO notes (note_id, body) VALUES (:i, :b)"), {"i": note_id, "b": body.text}
        )
        uow.emit(NoteWritten(note_id=note_id, text=body.text), subject=note_id)
        await uow.commit()
    return {"note_id": note_id}


async def store_note(event: NoteWritten, envelope: CloudEvent, uow: UnitOfWork) -> None:
    if event.text == "poison":
        raise ValueError("this note can never be applied")
    # Deliberately no unique constraint: a second application would show up as a second row.
    await uow.session.execute(
        text("INSERT INTO received_notes (note_id, body, event_id) VALUES (:i, :b, :e)"),
        {"i": event.note_id, "b": event.text, "e": envelope.id},
    )


sender = ServiceDefinition(name="sender", title="sender", routers=(router,))
receiver = ServiceDefinition(name="receiver", title="receiver", handlers={"note.written": store_note})

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS sender;
CREATE TABLE IF NOT EXISTS sender.notes (note_id text PRIMARY KEY, body text NOT NULL);
CREATE SCHEMA IF NOT EXISTS receiver;
CREATE TABLE IF NOT EXISTS receiver.received_notes (
    note_id text NOT NULL, body text NOT NULL, event_id text NOT NULL);
"""


ACCESS_POLICY = Path(__file__).resolve().parent / "pingpong_access.json"


def pingpong_settings(
    database_url: str, bootstrap: str, namespace: str, transport: str, data_dir: Path
) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        KAFKA_NAMESPACE=namespace,
        BACKBONE_TRANSPORT=transport,
        CONSUMER_MAX_ATTEMPTS=2,
        ACCESS_POLICY_PATH=str(ACCESS_POLICY),
        **test_identity(data_dir),
    )


async def create_pingpong_tables(database_url: str) -> None:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute(SCHEMA)
    finally:
        await connection.close()
