"""A batch some of whose events were applied before (a redelivery after a crash, overlapping polls):
one inbox claim for the whole batch records only the new ones, and only those are applied."""

import logging

import pytest

from backbone.system import System
from tests.support.pingpong_messages import inbox_rows, incoming, note_envelope
from tests.support.pingpong_queries import received_rows


async def test_already_applied_events_are_ignored_in_a_batch(
    pingpong_system: System, caplog: pytest.LogCaptureFixture
) -> None:
    consumer = pingpong_system.runtime("receiver").consumer
    assert consumer is not None
    old = [note_envelope(f"d-old-{n}", "first delivery") for n in range(3)]
    new = [note_envelope(f"d-new-{n}", "second delivery") for n in range(3)]
    assert await consumer.handle([incoming(e, offset=10 + n) for n, e in enumerate(old)]) is None

    # Redelivered from the first old one, with the new ones behind and one new event twice.
    again = [*old, *new, new[0]]
    caplog.set_level(logging.INFO, logger="backbone.messaging.consumer")
    assert await consumer.handle([incoming(e, offset=10 + n) for n, e in enumerate(again)]) is None

    for envelope in [*old, *new]:
        assert await received_rows(pingpong_system, envelope.data["note_id"]) == 1
    assert await inbox_rows(pingpong_system, [e.id for e in [*old, *new]]) == 6
    ignored = [r.event_id for r in caplog.records if r.getMessage() == "duplicate event ignored"]
    assert sorted(ignored) == sorted([e.id for e in old] + [new[0].id])
