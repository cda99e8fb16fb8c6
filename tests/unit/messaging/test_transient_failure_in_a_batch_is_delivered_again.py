"""An infrastructure failure (database gone, a deadlock) in a batch is not the message's fault: the
batch is rolled back whole, nothing is dead-lettered, the transport is told to deliver it again from
its first message, and the redelivery applies every event once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import OperationalError

from backbone.messaging.consumer import EventConsumer
from backbone.messaging.transport import IncomingMessage, OutgoingMessage
from contracts.envelope import CloudEvent
from tests.support.pingpong import NoteWritten, catalogue
from tests.support.pingpong_messages import incoming, note_envelope


class Store:
    """What a database would hold: the inbox and the notes applied, committed or not at all."""

    def __init__(self) -> None:
        self.inbox: set[str] = set()
        self.notes: list[str] = []


class FakeSession:
    def __init__(self, store: Store) -> None:
        self.store, self.claimed, self.notes = store, set[str](), list[str]()

    async def execute(self, _statement: Any, params: dict) -> Any:
        new = {i for i in params["event_ids"] if i not in self.store.inbox}
        self.claimed |= new
        return type("Result", (), {"scalars": lambda _self: iter(new)})()

    async def flush(self) -> None:
        pass

    def expunge_all(self) -> None:
        pass


class FakeUnitOfWork:
    observers = ()

    def __init__(self, store: Store) -> None:
        self.session = FakeSession(store)

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *_: object) -> None:
        pass  # what was not committed is gone

    async def observe_emitted(self) -> None:
        pass

    async def commit(self) -> None:
        self.session.store.inbox |= self.session.claimed
        self.session.store.notes += self.session.notes


class DeadLetters:
    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        self.sent.extend(messages)


async def test_a_database_outage_mid_batch_redelivers_it_and_dead_letters_nothing() -> None:
    store, dead_letters, outages = Store(), DeadLetters(), ["n-2"]

    async def store_note(event: NoteWritten, envelope: CloudEvent, uow: FakeUnitOfWork) -> None:
        if event.note_id in outages:
            outages.remove(event.note_id)
            raise OperationalError("INSERT ...", {}, ConnectionError("server closed the connection"))
        uow.session.notes.append(event.note_id)

    consumer = EventConsumer(
        service="receiver",
        catalogue=catalogue,
        handlers={"note.written": store_note},
        unit_of_work=lambda: FakeUnitOfWork(store),
        transport=dead_letters,  # type: ignore[arg-type]
    )
    batch: list[IncomingMessage] = [
        incoming(note_envelope(f"n-{n}", "text", case=f"case-{n}"), offset=40 + n) for n in range(4)
    ]

    assert await consumer.handle(batch) == 40
    assert store.notes == [] and store.inbox == set()

    assert await consumer.handle(batch) is None
    assert sorted(store.notes) == ["n-0", "n-1", "n-2", "n-3"]
    assert dead_letters.sent == []
