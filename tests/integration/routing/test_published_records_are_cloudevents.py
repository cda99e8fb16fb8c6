"""What routing publishes on Kafka reads as CloudEvents 1.0 with the `cloudevents` SDK: real records of a
real topic, their extensions scalars, the `agency` extension the data's agency, no `ce_sla`."""

import pytest
from cloudevents.kafka import KafkaMessage, from_binary

from contracts.catalogue import topic_of
from tests.integration.routing.routing_support import Routing, new_id, report
from tests.support.topics import topic_reader
from tests.support.waiting import eventually

ATTRIBUTES = {"id", "source", "type", "specversion", "time", "subject", "datacontenttype", "partitionkey"}


@pytest.mark.parametrize("routing", ["kafka"], indirect=True)
async def test_routings_records_are_read_by_the_cloudevents_sdk(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"], injured=True))

    async with topic_reader(routing.system.transport, topic_of("routing")) as received:

        async def of_the_case() -> list:
            return [m for m in received if m.key == case_id.encode()]

        records = await eventually(
            of_the_case,
            # case.opened and one referrals.assigned per agency
            until=lambda found: len(found) >= 1 + len({r["agency"] for r in case["referrals"]}),
            what="the case's records on routing.events",
        )

    for record in records:
        assert "ce_sla" not in record.headers
        event = from_binary(KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value))
        assert (event["specversion"], event["source"], event["subject"]) == ("1.0", "/routing", case_id)
        extensions = {k: v for k, v in event.get_attributes().items() if k not in ATTRIBUTES}
        data = event.get_data()
        assert extensions == ({"agency": data["agency"]} if "agency" in data else {}), event["type"]
        assert all(isinstance(v, str) and not v.startswith(("[", "{")) for v in extensions.values())
    assert {r.headers["ce_agency"] for r in records if "ce_agency" in r.headers} >= {
        b"police",
        b"health",
        b"civil_affairs",
    }
