"""Every accepted report emits report.received with subject = case id and no personal data."""

import json

from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent
from sla.stamping import active_policy, envelope_stamps
from tests.integration.intake.intake_api import CHILD_ID_NUMBER, CHILD_NAME, Intake, build_report

REPORTER_NAME = "王老师"
REPORTER_PHONE = "13812345678"
ADDRESS = "某小区3号楼"


async def test_report_received_carries_ids_a_masked_name_and_an_age_only(intake: Intake) -> None:
    answer = await intake.accepted(build_report())

    rows = await intake.rows("SELECT event_type, message_key, topic, payload, headers FROM outbox")

    assert len(rows) == 1
    event_type, key, topic, payload, headers = rows[0]
    assert (event_type, key, topic) == ("report.received.v1", answer["case_id"], "intake.events")
    assert payload["subject"] == answer["case_id"]
    data = payload["data"]
    assert {k: data[k] for k in ("report_id", "case_id", "child_id")} == {
        k: answer[k] for k in ("report_id", "case_id", "child_id")
    }
    assert data["child_display_name"] == "张**"
    assert 9 <= data["child_age_years"] <= 17
    assert data["new_case"] is True
    assert data["categories"] == ["abuse"]
    # No deadline rides on the envelope: the services keeping clocks derive them from the policy.
    assert "sla" not in payload
    envelope = CloudEvent.model_validate(payload)
    derived = envelope_stamps(envelope, policy=active_policy(), catalogue=load_catalogue())
    assert [s.clock for s in derived] == ["reporter.feedback"]
    everything = json.dumps(payload, ensure_ascii=False) + json.dumps(headers, ensure_ascii=False)
    for personal in (CHILD_NAME, CHILD_ID_NUMBER, "2015-06-07", REPORTER_NAME, REPORTER_PHONE, ADDRESS):
        assert personal not in everything


async def test_a_corroborating_report_is_announced_as_joining_the_case(intake: Intake) -> None:
    first = await intake.accepted(build_report())
    second = await intake.accepted(build_report(**{"source": "public"}))

    payloads = [r.payload for r in await intake.rows("SELECT payload FROM outbox ORDER BY id")]

    assert [p["subject"] for p in payloads] == [first["case_id"], first["case_id"]]
    assert payloads[1]["data"]["report_id"] == second["report_id"]
    assert payloads[1]["data"]["corroborates_report_id"] == first["report_id"]
    assert payloads[1]["data"]["new_case"] is False
