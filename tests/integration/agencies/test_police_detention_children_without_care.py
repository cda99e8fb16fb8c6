"""The police record a detention whose children intake received: ids and a count, no child's data."""

from datetime import UTC, datetime

from backbone.messaging.transport import OutgoingMessage
from contracts.envelope import CloudEvent
from contracts.events.intake import DetentionChildrenReported, DetentionChildReport
from tests.integration.agencies.agency_support import RunningAgency
from tests.support.waiting import eventually

REPORTED = DetentionChildrenReported(
    detention_id="det-7",
    detention_reference="DET-2026-117",
    district="370702",
    area="urban",
    found_at=datetime(2026, 11, 26, 8, tzinfo=UTC),
    received_at=datetime(2026, 11, 26, 8, 5, tzinfo=UTC),
    case_ids=["case-1", "case-2"],
    reports=[
        DetentionChildReport(report_id="r1", case_id="case-1", child_id="c1", new_case=True),
        DetentionChildReport(report_id="r2", case_id="case-2", child_id="c2", new_case=True),
    ],
)


async def _deliver(police: RunningAgency, event: DetentionChildrenReported) -> CloudEvent:
    envelope = CloudEvent(
        source="/intake", type=event.TYPE, subject=event.detention_id, data=event.model_dump(mode="json")
    )
    key, headers, value = envelope.to_kafka()
    await police.system.transport.publish(
        [OutgoingMessage(topic="intake.events", key=key, headers=headers, value=value)]
    )
    return envelope


async def test_the_detention_is_recorded_with_the_case_of_each_child(police: RunningAgency) -> None:
    await _deliver(police, REPORTED)

    async def detention():
        answer = await police.client.get("/police/v1/detentions/det-7")
        return answer.json() if answer.status_code == 200 else None

    recorded = await eventually(detention, what="the detention recorded by the police")
    assert (recorded["detention_reference"], recorded["children_count"], recorded["case_ids"]) == (
        "DET-2026-117",
        2,
        ["case-1", "case-2"],
    )
    await _deliver(police, REPORTED)  # the same detention announced again (a new envelope) changes nothing
    await eventually(
        lambda: police.scalar("SELECT count(*) FROM inbox"), until=lambda n: n == 2, what="both applied"
    )
    assert await police.scalar("SELECT count(*) FROM police_detentions") == 1
    assert (await police.client.get("/police/v1/detentions/unknown")).status_code == 404


async def test_the_police_no_longer_take_children_in_a_detention(police: RunningAgency) -> None:
    body = {"detention_reference": "DET-9", "district": "370702", "area": "urban", "children": []}

    answer = await police.post("detentions", body)

    assert answer.status_code in (404, 405)  # the children go to POST /intake/v1/detentions
    assert await police.emitted_types() == []
