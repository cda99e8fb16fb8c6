"""Compliance time-to-stop counts only clocks an agency stopped: one cancelled because its case closed is
no response, however long it ran."""

from contracts.events.civil_affairs import CaseClosed
from tests.support.deadline_events import dispatch, emit, report_p1_case
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_time_to_stop_leaves_out_clocks_cancelled_by_a_closing(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    answered = await report_p1_case(system, client, case_id="case-cc1", at=fake_clock.now)
    await report_p1_case(system, client, case_id="case-cc2", at=fake_clock.now)
    fake_clock.advance(minutes=2)
    await dispatch(system, answered, at=fake_clock.now)
    fake_clock.advance(minutes=58)
    closed = CaseClosed(
        referral_id="ref-x", case_id="case-cc2", outcome="duplicate", closed_at=fake_clock.now
    )
    await emit(system, "civil_affairs", closed, case_id="case-cc2")

    async def first_dispatch_states() -> list[str]:
        clocks = items(await client.get("/routing/v1/sla", params={"agency": "police"}))
        return sorted(c["state"] for c in clocks if c["clock"] == "police.first_dispatch")

    await eventually(first_dispatch_states, until=lambda s: s == ["cancelled", "met"], what="closing applied")
    [police] = items(await client.get("/routing/v1/sla/compliance", params={"agency": "police"}))

    assert police["median_seconds_to_stop"] == 120
    assert police["p90_seconds_to_stop"] == 120
    closed_case = await client.get("/routing/v1/sla", params={"case_id": "case-cc2", "agency": "police"})
    assert police["cancelled"] == len(items(closed_case)) >= 2
    assert police["met_on_time"] == 1 and police["met_late"] == 0 and police["on_time_rate"] == 1.0
