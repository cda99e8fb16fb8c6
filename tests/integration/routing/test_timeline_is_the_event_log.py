"""The timeline is the case's event log: each envelope routing consumed or emitted is stored once, with
its data and no rendered line, append-only, and the case view renders it when read."""

import pytest
from sqlalchemy import text

from tests.integration.routing.routing_support import Routing, envelope_of, new_id, referral_of, report


async def test_each_envelope_is_stored_once_with_its_data_and_rendered_when_read(routing: Routing) -> None:
    case_id = new_id("case")
    first = report(case_id, categories=["abuse"], injured=True)
    case = await routing.opened(first)
    again = envelope_of(report(case_id, new_case=False), publisher="intake")
    await routing.publish(again, again)  # a redelivery
    case = await routing.case_when(
        case_id, lambda c: any(e["event_id"] == again.id for e in c["timeline"]), "join"
    )

    async with routing.system.runtime("routing").engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT event_id, event_type, data, summary FROM routing_timeline "
                    "WHERE case_id = :case_id ORDER BY seq"
                ),
                {"case_id": case_id},
            )
        ).all()
    async with routing.system.runtime("routing").engine.connect() as connection:
        for change in ("UPDATE routing_timeline SET data = NULL", "DELETE FROM routing_timeline"):
            with pytest.raises(Exception, match="append-only"):
                await connection.exec_driver_sql(change)
            await connection.rollback()
    assert [r.event_id for r in rows] == [e["event_id"] for e in case["timeline"]]
    assert len({r.event_id for r in rows}) == len(rows)
    assert all(r.data is not None and r.summary is None for r in rows)
    assert rows[0].data["report_id"] == first.report_id
    police = referral_of(case, "police", "emergency_response")
    [assigned] = [e for e in case["timeline"] if police["referral_id"] in e["summary"]]
    assert assigned["type"] == "referrals.assigned.v1"
    assert assigned["summary"].startswith("referrals to police (P1); reason triage: ")
    assert f"{police['referral_id']} emergency_response (lead, emergency)" in assigned["summary"]
    assert assigned["occurred_at"] == police["created_at"]
