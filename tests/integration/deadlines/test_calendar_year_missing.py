"""When a working-day deadline reaches a year the holiday calendar has no file for, its due time is
marked provisional (counted Monday-Friday) and the calendar warns that it runs out; once the year's file
is loaded (a reload), the due time is recomputed with that year's holidays."""

import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from backbone.system import System
from services.routing.service import definition as routing
from sla.calendar import SHANGHAI
from sla.holidays import DEFAULT_CALENDAR_DIR, install, load_directory
from tests.integration.deadlines.conftest import deadline_settings, intake, police
from tests.support.deadline_events import emit, violence_in_progress
from tests.support.paging import items
from tests.support.system import serving
from tests.support.waiting import eventually

# Test data, not the State Council's notice for 2027 (not published when this was written): it only
# needs 1 January to be a holiday, which it is every year.
TEST_2027 = {
    "region": "cn",
    "year": 2027,
    "source": "test fixture",
    "holidays": {"2027-01-01": "New Year's Day"},
    "working_days": {},
}


@pytest.fixture
async def short_calendar(
    tmp_path: Path, fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock
) -> AsyncIterator[tuple[System, httpx.AsyncClient, Path]]:
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    for year in (2025, 2026):
        shutil.copy(DEFAULT_CALENDAR_DIR / f"cn-{year}.json", calendars)
    settings = deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    system = System(
        settings.model_copy(update={"sla_calendar_dir": str(calendars)}), [routing, intake, police]
    )
    await system.start()
    async with serving(system) as client:
        yield system, client, calendars
    await system.stop()
    install(load_directory())


async def test_missing_year_is_provisional_until_its_file_is_loaded(short_calendar, fake_clock) -> None:
    system, client, directory = short_calendar
    fake_clock.now = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI).astimezone(UTC)  # a Monday
    await emit(
        system, "intake", violence_in_progress(case_id="case-cal", at=fake_clock.now), case_id="case-cal"
    )

    async def feedback_clock() -> list[dict]:
        found = items(await client.get("/routing/v1/sla", params={"case_id": "case-cal"}))
        return [c for c in found if c["clock"] == "reporter.feedback"]

    [clock] = await eventually(feedback_clock, until=lambda c: len(c) == 1, what="reporter feedback clock")
    # 5 working days counted Monday-Friday: 1 January 2027 wrongly counts, so the due time is provisional.
    assert datetime.fromisoformat(clock["due_at"]) == datetime(2027, 1, 4, 10, tzinfo=SHANGHAI)
    assert clock["due_provisional"] is True
    calendar = (await client.get("/routing/v1/sla/calendar")).json()
    assert (calendar["covered_until"], calendar["days_left"], calendar["provisional_clocks"]) == (
        "2026-12-31",
        3,
        1,
    )
    assert "cn-2027.json" in calendar["warning"]
    ready = await client.get("/routing/readyz")
    assert ready.status_code == 200 and ready.json()["detail"]["calendar"]["warning"] == calendar["warning"]

    (directory / "cn-2027.json").write_text(json.dumps(TEST_2027), encoding="utf-8")
    reloaded = await client.post("/routing/v1/sla/calendar/reload")

    assert reloaded.status_code == 200, reloaded.text
    assert reloaded.json()["years"] == [2025, 2026, 2027] and reloaded.json()["provisional_clocks"] == 0
    [clock] = await feedback_clock()
    assert datetime.fromisoformat(clock["due_at"]) == datetime(2027, 1, 5, 10, tzinfo=SHANGHAI)
    assert clock["due_provisional"] is False


async def test_a_broken_file_is_refused_on_reload_and_changes_nothing(short_calendar) -> None:
    _, client, directory = short_calendar
    (directory / "cn-2027.json").write_text(json.dumps(TEST_2027 | {"year": 2028}), encoding="utf-8")
    refused = await client.post("/routing/v1/sla/calendar/reload")
    assert refused.status_code == 422 and "cn-2027.json" in refused.json()["detail"][0]["msg"]
    assert (await client.get("/routing/v1/sla/calendar")).json()["years"] == [2025, 2026]
