"""A raised priority recomputes the due time of the case's running clocks: a P3 acceptance deadline of
one working day becomes P1's one hour when a second report shows the child in danger."""

from datetime import datetime, timedelta

from contracts.events.intake import ReportReceived
from tests.support.deadline_events import emit, violence_in_progress
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_second_report_raising_priority_shortens_running_deadlines(
    deadlines_system, fake_clock
) -> None:
    system, client = deadlines_system
    danger = violence_in_progress(case_id="case-pp", at=fake_clock.now)
    first = ReportReceived.model_validate(
        {**danger.model_dump(), "categories": ["left_behind"], "immediate_danger": False}
    )
    await emit(system, "intake", first, case_id="case-pp")

    async def acceptance_clocks() -> list[dict]:
        found = items(await client.get("/routing/v1/sla", params={"case_id": "case-pp"}))
        return [c for c in found if c["clock"] == "referral.acceptance"]

    p3 = (await eventually(acceptance_clocks, until=lambda c: len(c) >= 1, what="P3 acceptance clocks"))[0]
    assert p3["priority"] == "P3"
    assert datetime.fromisoformat(p3["due_at"]) - fake_clock.now >= timedelta(hours=24)  # a working day

    fake_clock.advance(minutes=10)
    second = ReportReceived.model_validate(
        {
            **violence_in_progress(case_id="case-pp", at=fake_clock.now).model_dump(),
            "new_case": False,
            "corroborates_report_id": first.report_id,
        }
    )
    await emit(system, "intake", second, case_id="case-pp")

    regraded = await eventually(
        acceptance_clocks,
        until=lambda clocks: any(
            c["subject_id"] == p3["subject_id"] and c["priority"] == "P1" for c in clocks
        ),
        what="the running clock regraded to P1",
    )
    clock = next(c for c in regraded if c["subject_id"] == p3["subject_id"])
    assert datetime.fromisoformat(clock["due_at"]) == datetime.fromisoformat(p3["started_at"]) + timedelta(
        hours=1
    )
    case = (await client.get("/routing/v1/cases/case-pp")).json()
    assert case["priority"] == "P1"
    assert [h["priority"] for h in case["priority_history"]] == ["P3", "P1"]
