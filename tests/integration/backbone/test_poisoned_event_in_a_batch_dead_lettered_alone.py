"""A poll's batch with one event its handler cannot apply: the batch's transaction is rolled back and
applied again in parts, so every other event is applied exactly once and only the poisoned one is
dead-lettered, with its reason."""

from backbone.system import System
from tests.support.pingpong_messages import inbox_rows, incoming, note_envelope
from tests.support.pingpong_queries import received_rows
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


async def test_only_the_poisoned_event_is_dead_lettered(pingpong_system: System) -> None:
    notes = [("b-1", "fine"), ("b-2", "fine"), ("b-poison", "poison"), ("b-3", "fine"), ("b-4", "fine")]
    envelopes = [
        note_envelope(note_id, body, case=f"case-{n % 2}") for n, (note_id, body) in enumerate(notes)
    ]
    consumer = pingpong_system.runtime("receiver").consumer
    assert consumer is not None

    # One batch, as one poll of a partition brings it, handed to the receiver's consumer.
    not_applied = await consumer.handle([incoming(e, offset=100 + n) for n, e in enumerate(envelopes)])

    assert not_applied is None
    for note_id in ("b-1", "b-2", "b-3", "b-4"):
        assert await received_rows(pingpong_system, note_id) == 1, note_id
    assert await received_rows(pingpong_system, "b-poison") == 0
    assert await inbox_rows(pingpong_system, [e.id for e in envelopes]) == 4
    async with topic_reader(pingpong_system.transport, "receiver.dlq") as dead_letters:

        async def count() -> int:
            return len(dead_letters)

        await eventually(count, until=lambda n: n >= 1, what="the dead letter")
    (dead,) = dead_letters
    assert dead.headers["ce_id"].decode() == envelopes[2].id
    assert dead.headers["dlq_reason"].decode() == (
        "handler failed 2 times: ValueError: this note can never be applied"
    )
    assert dead.headers["dlq_source_offset"] == b"102"
