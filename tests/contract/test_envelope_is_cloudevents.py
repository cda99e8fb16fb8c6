"""Records the system publishes are CloudEvents 1.0 as the `cloudevents` SDK reads them, in binary mode
(Kafka headers) and structured mode (one JSON document): every attribute and extension round-trips,
and every extension is a scalar (the spec's type system: no arrays, no objects)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from cloudevents.http import from_json
from cloudevents.kafka import KafkaMessage, from_binary, from_structured, to_structured

from contracts.envelope import CloudEvent
from tests.support.envelope_records import SAMPLES, produced

REQUIRED = {"id", "source", "type", "specversion"}
OPTIONAL = {"time", "subject", "datacontenttype", "dataschema"}
# The SDK's Kafka binding maps the record key to the `partitionkey` extension.
KAFKA_BINDING = {"partitionkey"}
# Extension names: lower-case ASCII letters and digits, at most 20 characters (CloudEvents 1.0).
EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
IDS = [event.TYPE for _, event in SAMPLES]


def _extensions(attributes: dict) -> dict:
    return {k: v for k, v in attributes.items() if k not in REQUIRED | OPTIONAL}


def _assert_scalar(name: str, value: object) -> None:
    assert EXTENSION_NAME.match(name), f"extension name {name!r} breaks CloudEvents' naming rule"
    assert isinstance(value, str | bool | int | bytes), f"extension {name} is a {type(value).__name__}"
    if isinstance(value, str):
        # A JSON array or object smuggled into a string (what `ce_sla` was) is no scalar either.
        assert not value.lstrip().startswith(("[", "{")), f"extension {name} holds a JSON document"


@pytest.mark.parametrize(("publisher", "event"), SAMPLES, ids=IDS)
def test_binary_mode_record_is_read_by_the_sdk(publisher, event) -> None:
    record = produced(publisher, event)
    ours = CloudEvent.from_kafka(record.headers, record.value)

    read = from_binary(KafkaMessage(headers=record.headers, key=record.key, value=record.value))

    attributes = read.get_attributes()
    assert {
        k: attributes[k] for k in ("id", "source", "type", "specversion", "subject", "datacontenttype")
    } == {
        "id": ours.id,
        "source": f"/{publisher}",
        "type": event.TYPE,
        "specversion": "1.0",
        "subject": event.case_id,
        "datacontenttype": "application/json",
    }
    assert datetime.fromisoformat(attributes["time"]) == ours.time
    assert read.get_data() == event.model_dump(mode="json")
    extensions = _extensions(attributes)
    assert extensions.pop("partitionkey") == event.case_id.encode()
    assert extensions == ({"agency": event.agency} if hasattr(event, "agency") else {})
    for name, value in extensions.items():
        _assert_scalar(name, value)


@pytest.mark.parametrize(("publisher", "event"), SAMPLES, ids=IDS)
def test_structured_mode_round_trips_through_the_sdk(publisher, event) -> None:
    record = produced(publisher, event)
    # Read without the key: the SDK would carry it as a bytes `partitionkey`, which JSON cannot hold.
    binary = from_binary(KafkaMessage(headers=record.headers, key=None, value=record.value))

    structured = to_structured(binary, key_mapper=lambda _: record.key)
    document = json.loads(structured.value)
    back = from_structured(structured)

    assert structured.key == back["partitionkey"] == event.case_id.encode()
    assert {k: v for k, v in back.get_attributes().items() if k != "partitionkey"} == binary.get_attributes()
    assert document.get("agency") == getattr(event, "agency", None)
    assert back.get_data() == binary.get_data() == event.model_dump(mode="json")
    # In structured mode extensions keep their JSON types: each must be a scalar.
    for name, value in _extensions(document).items():
        if name != "data":
            _assert_scalar(name, value)


@pytest.mark.parametrize(("publisher", "event"), SAMPLES, ids=IDS)
def test_our_envelope_as_json_is_a_structured_cloudevent(publisher, event) -> None:
    record = produced(publisher, event)
    ours = CloudEvent.from_kafka(record.headers, record.value)

    read = from_json(json.dumps(ours.model_dump(mode="json", exclude_none=True)))

    assert read["id"] == ours.id and read["type"] == ours.type and read["subject"] == ours.subject
    assert read.get_data() == ours.data
    extensions = _extensions(read.get_attributes())
    assert extensions == ({"agency": ours.agency} if ours.agency else {})
    for name, value in extensions.items():
        _assert_scalar(name, value)
    # And back: what a structured-mode producer sends is an envelope our consumers take.
    assert CloudEvent.model_validate({**read.get_attributes(), "data": read.get_data()}) == ours
