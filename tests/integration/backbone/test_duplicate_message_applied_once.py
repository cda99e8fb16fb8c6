"""A message delivered twice (the same CloudEvent id) changes the receiver's state once."""

from backbone.messaging.transport import OutgoingMessage
from backbone.system import System
from contracts.envelope import CloudEvent
from tests.support.pingpong import NoteWritten
from tests.support.pingpong_queries import received_rows
from tests.support.waiting import eventually


def _message(envelope: CloudEvent) -> OutgoingMessage:
    key, headers, value = envelope.to_kafka()
    return OutgoingMessage(topic="sender.events", key=key, headers=headers, value=value)


async def test_redelivered_event_is_applied_once(pingpong_system: System) -> None:
    note = NoteWritten(note_id="n-dup", text="twice")
    envelope = CloudEvent(source="/sender", type=note.TYPE, subject="case-1", data=note.model_dump())
    marker = NoteWritten(note_id="n-after", text="after")
    after = CloudEvent(source="/sender", type=marker.TYPE, subject="case-1", data=marker.model_dump())

    # Same key, so one partition and in order: once `after` is applied, both copies were consumed.
    await pingpong_system.transport.publish([_message(envelope), _message(envelope), _message(after)])

    await eventually(
        lambda: received_rows(pingpong_system, "n-after"), until=lambda n: n == 1, what="marker applied"
    )
    assert await received_rows(pingpong_system, "n-dup") == 1
