"""A message that cannot be parsed, or keeps failing, is dead-lettered and the partition moves on."""

from backbone.messaging.transport import OutgoingMessage
from backbone.system import System
from contracts.envelope import CloudEvent
from tests.support.pingpong import NoteWritten
from tests.support.pingpong_queries import received_rows
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


def _note(note_id: str, text: str) -> OutgoingMessage:
    note = NoteWritten(note_id=note_id, text=text)
    key, headers, value = CloudEvent(
        source="/sender", type=note.TYPE, subject="case-9", data=note.model_dump()
    ).to_kafka()
    return OutgoingMessage(topic="sender.events", key=key, headers=headers, value=value)


async def test_garbage_and_poison_are_dead_lettered_and_next_message_applied(pingpong_system: System) -> None:
    garbage = OutgoingMessage(
        topic="sender.events", key=b"case-9", headers=[("ce_type", b"note.written.v1")], value=b"{not json"
    )
    await pingpong_system.transport.publish([garbage, _note("n-poison", "poison"), _note("n-good", "fine")])

    await eventually(
        lambda: received_rows(pingpong_system, "n-good"), until=lambda n: n == 1, what="next message applied"
    )
    async with topic_reader(pingpong_system.transport, "receiver.dlq") as dead_letters:

        async def count() -> int:
            return len(dead_letters)

        await eventually(count, until=lambda n: n >= 2, what="two dead letters")
    reasons = [m.headers["dlq_reason"].decode() for m in dead_letters]
    assert reasons[0] == "unparseable: ValueError: missing header ce_id"
    assert reasons[1].startswith("handler failed 2 times: ValueError")
    assert dead_letters[0].value == b"{not json"
    assert dead_letters[1].headers["dlq_source_topic"] == b"sender.events"
    assert await received_rows(pingpong_system, "n-poison") == 0
