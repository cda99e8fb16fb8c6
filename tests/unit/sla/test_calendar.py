"""Working-day arithmetic on China's real 2025/2026 holiday calendars, including 调休 weekends."""

import warnings
from datetime import UTC, date, datetime, timedelta

import pytest

from sla.calendar import (
    COVERED_YEARS,
    SHANGHAI,
    CalendarCoverageError,
    CalendarFallbackWarning,
    CalendarKind,
    Target,
    WallCalendar,
    WorkingDayCalendar,
    add_working_time,
    calendar_for,
    parse_iso_duration,
    working_time_between,
)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_package_covers_2004_to_2026() -> None:
    assert COVERED_YEARS == range(2004, 2027)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday made a working day for National Day 2025
        (date(2025, 10, 8), False),  # last day of the 2025 National Day holiday (a Wednesday)
        (date(2025, 10, 11), True),  # Saturday made a working day
        (date(2026, 2, 14), True),  # Saturday before Spring Festival 2026
        (date(2026, 2, 16), False),
        (date(2026, 2, 23), False),  # Monday, still holiday
        (date(2026, 2, 28), True),  # Saturday after Spring Festival 2026
        (date(2026, 3, 1), False),  # ordinary Sunday
        (date(2026, 9, 20), True),  # Sunday made a working day for National Day 2026
        (date(2026, 9, 25), False),  # Mid-Autumn Festival 2026 (a Friday)
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday made a working day
    ],
)
def test_working_days_follow_the_official_calendar(day: date, working: bool) -> None:
    assert WorkingDayCalendar().is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Tuesday evening before National Day 2025: the next working day is Thursday 9 October.
        (sh(2025, 9, 30, 20), 1, sh(2025, 10, 9, 20)),
        # Friday evening before it: the adjusted working Sunday 28 September counts.
        (sh(2025, 9, 26, 20), 1, sh(2025, 9, 28, 20)),
        (sh(2025, 10, 10, 20), 1, sh(2025, 10, 11, 20)),  # into the working Saturday after it
        (sh(2026, 9, 30, 20), 1, sh(2026, 10, 8, 20)),  # National Day 2026
        (sh(2026, 9, 18, 20), 1, sh(2026, 9, 20, 20)),  # working Sunday 20 September 2026
        (sh(2026, 2, 13, 20), 1, sh(2026, 2, 14, 20)),  # Friday -> working Saturday before Spring Festival
        (sh(2026, 2, 14, 20), 1, sh(2026, 2, 24, 20)),  # across the whole Spring Festival holiday
        (sh(2026, 2, 27, 20), 1, sh(2026, 2, 28, 20)),  # working Saturday after it
        (sh(2026, 2, 12, 9), 3, sh(2026, 2, 24, 9)),  # P1 assessment across Spring Festival
        (sh(2026, 3, 2, 9), 0.25, sh(2026, 3, 2, 15)),  # fractions are hours of a whole day
        (sh(2026, 3, 6, 0), 1, sh(2026, 3, 7, 0)),  # ends at 24:00 Friday, not Monday 00:00
    ],
)
def test_add_working_time(start: datetime, days: float, due: datetime) -> None:
    assert add_working_time(start, days) == due


def test_a_clock_started_on_a_holiday_waits_for_the_first_working_day() -> None:
    assert add_working_time(sh(2026, 2, 17, 10), 0.5) == sh(2026, 2, 24, 12)
    assert add_working_time(sh(2026, 2, 17, 10), 1) == sh(2026, 2, 25, 0)


def test_results_are_in_shanghai_time_whatever_the_input_zone() -> None:
    due = add_working_time(datetime(2025, 9, 30, 12, tzinfo=UTC), 1)  # 20:00 in Shanghai
    assert due == sh(2025, 10, 9, 20)
    assert due.tzinfo == SHANGHAI


def test_working_time_between_counts_only_working_days() -> None:
    # Feb 13, the working Saturday 14, Feb 24-27 and the working Saturday 28: seven days.
    assert working_time_between(sh(2026, 2, 13), sh(2026, 3, 2)) == timedelta(days=7)
    assert working_time_between(sh(2025, 10, 1), sh(2025, 10, 9)) == timedelta(0)
    assert working_time_between(sh(2025, 9, 30, 20), sh(2025, 10, 9, 8)) == timedelta(hours=12)


def test_between_inverts_add() -> None:
    calendar = WorkingDayCalendar()
    start = sh(2025, 9, 20, 7)
    while start < sh(2026, 3, 10):
        due = calendar.add(start, timedelta(days=2.5))
        assert calendar.between(start, due) == timedelta(days=2.5)
        start += timedelta(hours=37)


def test_between_rejects_a_reversed_interval() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        working_time_between(sh(2026, 3, 3), sh(2026, 3, 2))


def test_paused_working_time_does_not_count() -> None:
    pause = (sh(2026, 3, 2, 12), sh(2026, 3, 3, 12))  # Monday noon to Tuesday noon
    assert add_working_time(sh(2026, 3, 2, 9), 1, [pause]) == sh(2026, 3, 4, 9)
    assert working_time_between(sh(2026, 3, 2), sh(2026, 3, 4), [pause]) == timedelta(days=1)


def test_a_pause_inside_a_holiday_changes_nothing() -> None:
    pause = (sh(2026, 2, 16), sh(2026, 2, 20))
    assert add_working_time(sh(2026, 2, 14, 20), 1, [pause]) == sh(2026, 2, 24, 20)


def test_overlapping_pauses_are_not_subtracted_twice() -> None:
    pauses = [(sh(2026, 3, 2, 10), sh(2026, 3, 2, 14)), (sh(2026, 3, 2, 12), sh(2026, 3, 2, 16))]
    assert WallCalendar().add(sh(2026, 3, 2, 9), timedelta(hours=2), pauses) == sh(2026, 3, 2, 17)


def test_wall_calendar_counts_every_instant() -> None:
    calendar = WallCalendar()
    assert calendar.kind is CalendarKind.WALL
    assert calendar.add(sh(2026, 2, 16, 23, 58), timedelta(minutes=3)) == sh(2026, 2, 17, 0, 1)
    assert calendar.between(sh(2026, 2, 16), sh(2026, 2, 17)) == timedelta(days=1)


def test_calendar_for_picks_by_kind() -> None:
    assert isinstance(calendar_for(CalendarKind.WALL), WallCalendar)
    assert isinstance(calendar_for(CalendarKind.WORKING_DAYS), WorkingDayCalendar)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_time(datetime(2026, 3, 2, 9), 1),
        lambda: working_time_between(sh(2026, 3, 2), datetime(2026, 3, 3)),
        lambda: add_working_time(sh(2026, 3, 2), 1, [(datetime(2026, 3, 2), sh(2026, 3, 3))]),
        lambda: WallCalendar().add(datetime(2026, 3, 2), timedelta(1)),
    ],
)
def test_naive_datetimes_are_rejected(call: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()  # type: ignore[operator]


def test_covered_years_never_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        add_working_time(sh(2004, 1, 2), 1)
        add_working_time(sh(2026, 12, 30), 0.5)
        assert working_time_between(sh(2026, 12, 30), sh(2027, 1, 1)) == timedelta(days=2)


def test_outside_coverage_falls_back_to_monday_to_friday_and_warns() -> None:
    calendar = WorkingDayCalendar()
    assert not calendar.is_covered(date(2027, 1, 4))
    with pytest.warns(CalendarFallbackWarning, match="2027"):
        assert add_working_time(sh(2027, 1, 8, 10), 1) == sh(2027, 1, 11, 10)  # Friday -> Monday
    with pytest.warns(CalendarFallbackWarning, match="2003"):
        assert add_working_time(sh(2003, 12, 31, 12), 1) == sh(2004, 1, 2, 12)  # 1 Jan 2004 is known


def test_fallback_cannot_know_next_years_holidays() -> None:
    # 1 January is always a holiday, but without data for 2027 the fallback counts it: the warning
    # is the only signal that this deadline may be a day early.
    with pytest.warns(CalendarFallbackWarning):
        assert add_working_time(sh(2026, 12, 31, 12), 1) == sh(2027, 1, 1, 12)


def test_strict_calendar_refuses_uncovered_years() -> None:
    strict = WorkingDayCalendar(strict=True)
    with pytest.raises(CalendarCoverageError, match="2004-2026"):
        strict.add(sh(2027, 1, 4), timedelta(days=1))
    assert strict.add(sh(2026, 2, 13, 20), timedelta(days=1)) == sh(2026, 2, 14, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT3M", timedelta(minutes=3)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("PT24H", timedelta(days=1)),
        ("P30D", timedelta(days=30)),
        ("P1W", timedelta(weeks=1)),
        ("P1DT2S", timedelta(days=1, seconds=2)),
    ],
)
def test_parse_iso_duration(text: str, expected: timedelta) -> None:
    assert parse_iso_duration(text) == expected


@pytest.mark.parametrize("text", ["P1M", "P1Y", "P", "PT", "3M", "PT1.5H", "pt3m", "P1H"])
def test_parse_iso_duration_rejects_months_years_and_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        parse_iso_duration(text)


def test_target_lengths_and_validation() -> None:
    assert Target(CalendarKind.WORKING_DAYS, 3).length == timedelta(days=3)
    assert Target(CalendarKind.WALL, timedelta(minutes=3)).length == timedelta(minutes=3)
    with pytest.raises(ValueError, match="whole number"):
        Target(CalendarKind.WORKING_DAYS, timedelta(days=1))
    with pytest.raises(ValueError, match="ISO-8601"):
        Target(CalendarKind.WALL, 3)
    with pytest.raises(ValueError, match="positive"):
        Target(CalendarKind.WORKING_DAYS, 0)
