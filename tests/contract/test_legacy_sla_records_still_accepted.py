"""Records written before the envelope conformed to CloudEvents still read: a `ce_sla` header (a JSON
array of deadline stamps) on Kafka, in a dead-letter topic or a redelivery, and an `sla` list in an
outbox row not yet relayed. Both are ignored, and nothing is lost by it: the deadlines the policy
derives for the event are the ones the old stamps said."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from backbone.messaging.outbox import OutboxRelay
from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent
from sla.stamping import active_policy, envelope_stamps, sla_stamps
from tests.support.envelope_records import SAMPLES, produced

IDS = [event.TYPE for _, event in SAMPLES]


def _legacy_stamps(envelope: CloudEvent, event) -> list[dict]:
    """What the former `uow.emit` stamped: the policy's stamps, emitted at the envelope's time."""
    return [s.as_json() for s in sla_stamps(event, policy=active_policy(), default_at=envelope.time)]


@pytest.mark.parametrize(("publisher", "event"), SAMPLES, ids=IDS)
def test_a_record_with_ce_sla_is_read_and_its_deadlines_derived_alike(publisher, event) -> None:
    record = produced(publisher, event)
    current = CloudEvent.from_kafka(record.headers, record.value)
    legacy = _legacy_stamps(current, event)
    old_headers = {**record.headers, "ce_sla": json.dumps(legacy).encode()}

    read = CloudEvent.from_kafka(old_headers, record.value)

    assert read == current
    derived = envelope_stamps(read, policy=active_policy(), catalogue=load_catalogue())
    assert [s.as_json() for s in derived] == legacy


def test_the_samples_do_start_and_stop_deadlines() -> None:
    # Otherwise the comparison above would prove nothing.
    referral = produced(*SAMPLES[0])
    stamps = _legacy_stamps(CloudEvent.from_kafka(referral.headers, referral.value), SAMPLES[0][1])
    assert {(s["clock"], s["action"]) for s in stamps} >= {("police.first_dispatch", "start")}


@pytest.mark.parametrize(("publisher", "event"), SAMPLES, ids=IDS)
def test_an_outbox_row_with_sla_is_relayed_without_it(publisher, event) -> None:
    record = produced(publisher, event)
    envelope = CloudEvent.from_kafka(record.headers, record.value)
    payload = {**envelope.model_dump(mode="json"), "sla": _legacy_stamps(envelope, event)}
    relay = OutboxRelay(service=publisher, engine=None, transport=None)  # type: ignore[arg-type]

    message = relay._message(SimpleNamespace(topic=f"{publisher}.events", headers={}, payload=payload))

    assert "ce_sla" not in dict(message.headers)
    assert CloudEvent.from_kafka(dict(message.headers), message.value) == envelope
