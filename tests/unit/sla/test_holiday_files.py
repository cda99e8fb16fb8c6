"""The holiday calendar as files: what they say, how a missing year shows, and when it warns."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sla import holidays
from sla.calendar import SHANGHAI, WorkingDayCalendar
from sla.clock import Clock
from sla.holidays import CalendarDataError, load_directory
from sla.policy import SlaPolicy


def write(directory: Path, name_year: int, **doc: object) -> None:
    body = {"region": "cn", "year": name_year, "holidays": {}, "working_days": {}} | doc
    (directory / f"cn-{name_year}.json").write_text(json.dumps(body), encoding="utf-8")


def test_shipped_files_match_the_chinesecalendar_they_were_generated_from() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    data = load_directory()
    assert sorted(data.years) == sorted({d.year for d in chinese_calendar.holidays})
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert data.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_working_days_follow_the_file(tmp_path: Path) -> None:
    write(tmp_path, 2030, holidays={"2030-01-01": "New Year's Day"}, working_days={"2030-01-05": "x"})
    data = load_directory(tmp_path)
    assert data.is_working_day(date(2030, 1, 1)) is False  # a Tuesday holiday
    assert data.is_working_day(date(2030, 1, 2)) is True
    assert data.is_working_day(date(2030, 1, 5)) is True  # a Saturday worked (调休)
    assert data.is_working_day(date(2030, 1, 6)) is False
    assert data.is_working_day(date(2031, 1, 6)) is None


@pytest.mark.parametrize(
    ("today", "days_left", "warns"),
    [
        (date(2026, 11, 1), 60, True),  # exactly 60 days before the end
        (date(2026, 10, 31), 61, False),
        (date(2026, 12, 31), 0, True),
    ],
)
def test_warns_sixty_days_before_the_calendar_runs_out(today: date, days_left: int, warns: bool) -> None:
    status = load_directory().status(today)
    assert (status["covered_until"], status["days_left"]) == ("2026-12-31", days_left)
    assert (status["warning"] is not None) is warns
    if warns:
        assert "cn-2027.json" in status["warning"]


def test_a_gap_ends_the_coverage_and_an_uncovered_today_says_so(tmp_path: Path) -> None:
    for year in (2026, 2028):
        write(tmp_path, year)
    data = load_directory(tmp_path)
    assert data.covered_until(date(2026, 5, 1)) == date(2026, 12, 31)
    status = data.status(date(2027, 2, 1))
    assert status["covered_until"] is None and "2027" in status["warning"]


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ({"year": 2031}, "'year' must be the year in the file name"),
        ({"holidays": {"2030-13-01": "x"}}, "not YYYY-MM-DD"),
        ({"holidays": {"2029-12-31": "x"}}, "outside 2030"),
        ({"holidays": {"2030-01-05": "x"}, "working_days": {"2030-01-05": "x"}}, "both a holiday and"),
        ({"working_days": ["2030-01-05"]}, "must be an object"),
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path: Path, doc: dict, problem: str) -> None:
    write(tmp_path, 2030, **doc)
    with pytest.raises(CalendarDataError, match=problem) as error:
        load_directory(tmp_path)
    assert "cn-2030.json" in str(error.value)


def test_a_clock_into_a_missing_year_is_provisional_until_it_is_loaded(tmp_path: Path) -> None:
    write(tmp_path, 2026)  # no holidays at all: enough for the arithmetic below
    spec = SlaPolicy.load().clock("reporter.feedback")  # 5 working days
    try:
        holidays.install(load_directory(tmp_path))
        near_the_end = Clock.start(
            spec, case_id="c", subject="c", at=datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)
        )
        within = Clock.start(spec, case_id="c", subject="c", at=datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
        with pytest.warns(UserWarning):
            assert near_the_end.due_at == datetime(2027, 1, 4, 10, tzinfo=SHANGHAI)
        assert near_the_end.due_provisional is True and within.due_provisional is False
        write(tmp_path, 2027, holidays={"2027-01-01": "New Year's Day"})
        assert holidays.refresh() is True and holidays.refresh() is False
        assert near_the_end.due_at == datetime(2027, 1, 5, 10, tzinfo=SHANGHAI)
        assert near_the_end.due_provisional is False
        assert WorkingDayCalendar().is_covered(date(2027, 3, 1))
    finally:
        holidays.install(load_directory())
