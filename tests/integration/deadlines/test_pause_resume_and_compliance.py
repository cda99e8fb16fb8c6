"""A clock paused while waiting on a court does not breach; resumed, its due time moves by the pause.
Compliance figures count met-on-time and late clocks per agency."""

from datetime import datetime, timedelta

from tests.support.deadline_events import dispatch, report_p1_case
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_pause_holds_the_deadline_and_resume_moves_it(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    await report_p1_case(system, client, case_id="case-pr", at=fake_clock.now)

    async def acceptance_clock_of(agency: str) -> list[dict]:
        found = items(await client.get("/routing/v1/sla", params={"case_id": "case-pr", "agency": agency}))
        return [c for c in found if c["clock"] == "referral.acceptance"]

    clock = (await eventually(lambda: acceptance_clock_of("civil_affairs"), until=lambda c: len(c) >= 1))[0]
    due = datetime.fromisoformat(clock["due_at"])
    paused = await client.post(
        f"/routing/v1/sla/clocks/{clock['id']}/pause", json={"reason": "waiting on a court"}
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["state"] == "paused" and paused.json()["pauses"][0]["reason"] == "waiting on a court"
    again = await client.post(f"/routing/v1/sla/clocks/{clock['id']}/pause", json={"reason": "twice"})
    assert again.status_code == 409

    fake_clock.advance(hours=2)  # past the 1 h P1 target, but paused
    resumed = await client.post(f"/routing/v1/sla/clocks/{clock['id']}/resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["state"] == "running"
    assert datetime.fromisoformat(resumed.json()["due_at"]) == due + timedelta(hours=2)
    assert (await client.post("/routing/v1/sla/clocks/nope/resume")).status_code == 404
    assert (
        await client.post(f"/routing/v1/sla/clocks/{clock['id']}/pause", json={"reason": ""})
    ).status_code == 422


async def test_compliance_counts_on_time_and_late_per_agency(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    on_time = await report_p1_case(system, client, case_id="case-c1", at=fake_clock.now)
    late = await report_p1_case(system, client, case_id="case-c2", at=fake_clock.now)
    fake_clock.advance(minutes=2)
    await dispatch(system, on_time, at=fake_clock.now)
    fake_clock.advance(minutes=3)
    await dispatch(system, late, at=fake_clock.now)

    async def police_figures() -> dict:
        figures = items(await client.get("/routing/v1/sla/compliance", params={"agency": "police"}))
        return figures[0] if figures else {}

    figures = await eventually(
        police_figures, until=lambda f: f.get("met_on_time") == 1 and f.get("met_late") == 1, what="figures"
    )
    assert figures["on_time_rate"] == 0.5
    assert figures["median_seconds_to_stop"] == 210  # 120 s and 300 s
    assert 120 <= figures["p90_seconds_to_stop"] <= 300

    # Per district (the operations page's table): the cases' district counts, another has none.
    in_district = await client.get(
        "/routing/v1/sla/compliance", params={"agency": "police", "district": "370702"}
    )
    assert items(in_district) == [figures]
    city = await client.get("/routing/v1/sla/compliance", params={"agency": "police", "district": "370700"})
    assert items(city) == [figures]  # a city code covers its counties
    elsewhere = await client.get("/routing/v1/sla/compliance", params={"district": "370703"})
    assert items(elsewhere) == []
    malformed = await client.get("/routing/v1/sla/compliance", params={"district": "3707"})
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["loc"] == ["query", "district"]
    clocks = items(await client.get("/routing/v1/sla", params={"agency": "police"}))
    assert clocks and {c["district"] for c in clocks} == {"370702"}
