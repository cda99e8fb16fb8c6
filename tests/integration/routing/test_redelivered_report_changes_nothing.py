"""A report delivered twice (same envelope), or re-sent (same report id), changes the case once."""

import pytest

from tests.integration.routing.routing_support import Routing, envelope_of, new_id, report


@pytest.mark.parametrize("routing", ["embedded", "kafka"], indirect=True)
async def test_redelivered_and_resent_report_change_nothing(routing: Routing) -> None:
    case_id = new_id("case")
    event = report(case_id, categories=["abuse"], injured=True)
    envelope = envelope_of(event, publisher="intake")
    resent = envelope_of(event, publisher="intake")  # same report, a new envelope id
    marker = report(case_id, categories=["abuse"], new_case=False)
    marker_envelope = envelope_of(marker, publisher="intake")

    # Same key, so one partition and in order: once the marker is applied, every copy was consumed.
    await routing.publish(envelope, envelope, resent, marker_envelope)
    case = await routing.case_when(
        case_id, lambda c: any(e["event_id"] == marker_envelope.id for e in c["timeline"]), "marker applied"
    )

    assert [r["report_id"] for r in case["reports"]] == [event.report_id, marker.report_id]
    ids = [e["event_id"] for e in case["timeline"]]
    assert len(ids) == len(set(ids))
    assert resent.id not in ids
    assert [e["type"] for e in case["timeline"]].count("case.opened.v1") == 1
    keys = [(r["agency"], r["task"], r["role"]) for r in case["referrals"]]
    assert len(keys) == len(set(keys))
    assert len(case["priority_history"]) == 1

    # case.opened + one referrals.assigned per agency
    assert await routing.outbox_rows(case_id) == 1 + len({r["agency"] for r in case["referrals"]})
