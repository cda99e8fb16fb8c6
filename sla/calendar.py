"""Business-time arithmetic for SLA clocks.

Every calendar answers two questions: ``add(start, amount, paused)`` is the earliest instant by which
``amount`` of counting time has elapsed since ``start``, and ``between(a, b, paused)`` is the counting
time inside ``[a, b)``. A wall calendar counts every instant. The working-day calendar counts only
whole working days (00:00-24:00 local time) of China's public-holiday calendar, adjusted working
weekends (调休) included, so one working day of business time is ``timedelta(days=1)``. Paused
intervals never count, whatever the calendar.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from sla import holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZERO = timedelta(0)
Interval = tuple[datetime, datetime]

# The years the shipped calendar files (contracts/calendars) cover; a city may load more at run time.
_SHIPPED = sorted(holidays.load_directory().years)
COVERED_YEARS = range(_SHIPPED[0], _SHIPPED[-1] + 1)

# Stands in for "no end" of a wall calendar's single segment; far enough that no target reaches it.
_END_OF_TIME = datetime(9000, 1, 1, tzinfo=UTC)


class CalendarKind(StrEnum):
    WALL = "wall"
    WORKING_DAYS = "working_days"


_ISO_DURATION = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+)S)?)?$"
)


def parse_iso_duration(text: str) -> timedelta:
    # Years and months are rejected, not approximated: their length depends on the date.
    match = _ISO_DURATION.match(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 duration of weeks/days/hours/minutes/seconds: {text!r}")
    return timedelta(**{unit: int(n) for unit, n in match.groupdict().items() if n is not None})


@dataclass(frozen=True)
class Target:
    """A deadline length: a wall duration, or a whole number of working days."""

    kind: CalendarKind
    amount: timedelta | int

    def __post_init__(self) -> None:
        if self.kind is CalendarKind.WALL and not isinstance(self.amount, timedelta):
            raise ValueError("a wall target needs an ISO-8601 duration such as 'PT3M'")
        if self.kind is CalendarKind.WORKING_DAYS and type(self.amount) is not int:
            raise ValueError("a working_days target needs a whole number of days")
        if self.length <= ZERO:
            raise ValueError("a target must be positive")

    @property
    def length(self) -> timedelta:
        """Business time in the target's calendar; one working day is ``timedelta(days=1)``."""
        return self.amount if isinstance(self.amount, timedelta) else timedelta(days=self.amount)


class CalendarCoverageError(LookupError):
    """A strict working-day calendar was asked about a year the holiday data does not cover."""


class CalendarFallbackWarning(UserWarning):
    """Working days were counted as Monday-Friday because the holiday data does not cover the year."""


def require_aware(value: datetime, name: str = "timestamp") -> datetime:
    # A naive time in a system spanning agencies and a broker is ambiguous; refuse it at the boundary.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


class Calendar(Protocol):
    @property
    def kind(self) -> CalendarKind: ...

    def add(self, start: datetime, amount: timedelta, paused: Iterable[Interval] = ()) -> datetime: ...

    def between(self, a: datetime, b: datetime, paused: Iterable[Interval] = ()) -> timedelta: ...

    def is_provisional(self, start: datetime, end: datetime) -> bool: ...


def _merged_pauses(paused: Iterable[Interval]) -> list[Interval]:
    intervals: list[Interval] = []
    for begin, end in paused:
        require_aware(begin, "pause start")
        require_aware(end, "pause end")
        if end < begin:
            raise ValueError(f"pause ends before it starts: {begin.isoformat()} > {end.isoformat()}")
        intervals.append((begin.astimezone(UTC), end.astimezone(UTC)))
    intervals.sort()
    merged: list[Interval] = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _minus(segments: Iterator[Interval], pauses: list[Interval]) -> Iterator[Interval]:
    """Subtract merged, sorted pauses from ascending, disjoint segments (lazily: segments are endless)."""
    first = 0
    for seg_start, seg_end in segments:
        cursor = seg_start
        while first < len(pauses) and pauses[first][1] <= cursor:
            first += 1
        index = first
        while index < len(pauses) and pauses[index][0] < seg_end and cursor < seg_end:
            pause_start, pause_end = pauses[index]
            if pause_start > cursor:
                yield cursor, pause_start
            cursor = max(cursor, pause_end)
            index += 1
        if cursor < seg_end:
            yield cursor, seg_end


class _Counting:
    """Shared add/between over the segments of counting time a concrete calendar yields from a start."""

    tz: ZoneInfo

    def _segments(self, start: datetime, until: datetime | None = None) -> Iterator[Interval]:
        raise NotImplementedError

    def add(self, start: datetime, amount: timedelta, paused: Iterable[Interval] = ()) -> datetime:
        require_aware(start, "start")
        if amount < ZERO:
            raise ValueError(f"amount must not be negative, got {amount}")
        if amount == ZERO:
            return start.astimezone(self.tz)
        remaining = amount
        for seg_start, seg_end in _minus(self._segments(start.astimezone(UTC)), _merged_pauses(paused)):
            length = seg_end - seg_start
            if remaining <= length:
                return (seg_start + remaining).astimezone(self.tz)
            remaining -= length
        raise AssertionError("counting segments ended before the amount was reached")  # pragma: no cover

    def between(self, a: datetime, b: datetime, paused: Iterable[Interval] = ()) -> timedelta:
        require_aware(a, "a")
        require_aware(b, "b")
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b < a:
            raise ValueError(f"interval ends before it starts: {a.isoformat()} > {b.isoformat()}")
        total = ZERO
        for seg_start, seg_end in _minus(self._segments(a, until=b), _merged_pauses(paused)):
            if seg_start >= b:
                break
            total += min(seg_end, b) - seg_start
        return total


@dataclass(frozen=True)
class WallCalendar(_Counting):
    tz: ZoneInfo = SHANGHAI

    @property
    def kind(self) -> CalendarKind:
        return CalendarKind.WALL

    def is_provisional(self, start: datetime, end: datetime) -> bool:
        return False

    def _segments(self, start: datetime, until: datetime | None = None) -> Iterator[Interval]:
        yield start, _END_OF_TIME


@lru_cache(maxsize=8192)
def _chinese_workday(day: date) -> bool | None:
    """The official answer for ``day``, or None when no calendar file covers its year."""
    return holidays.installed().is_working_day(day)


def forget_cached_days() -> None:
    """Drop cached answers (a calendar file was loaded)."""
    _chinese_workday.cache_clear()


@dataclass(frozen=True)
class WorkingDayCalendar(_Counting):
    """China's working days from the calendar files in force. A year without a file is counted
    Monday-Friday with a warning, or raises if strict.

    The fallback keeps clocks ticking when the files lag the State Council's yearly notice (published
    each November), but the result can be off by that year's holidays, so callers are told (the warning,
    `is_provisional`) instead of getting a silently wrong deadline.
    """

    tz: ZoneInfo = SHANGHAI
    strict: bool = False

    @property
    def kind(self) -> CalendarKind:
        return CalendarKind.WORKING_DAYS

    @staticmethod
    def is_covered(day: date) -> bool:
        return holidays.installed().covers(day.year)

    def is_provisional(self, start: datetime, end: datetime) -> bool:
        """Whether counting from `start` to `end` crosses a year no calendar file covers."""
        first, last = start.astimezone(self.tz).year, end.astimezone(self.tz).year
        return any(not holidays.installed().covers(year) for year in range(first, last + 1))

    def is_working_day(self, day: date) -> bool:
        official = _chinese_workday(day)
        if official is not None:
            return official
        if self.strict:
            years = sorted(holidays.installed().years) or [0]
            raise CalendarCoverageError(
                f"no holiday data for {day.year}; the calendar files cover {years[0]}-{years[-1]}"
            )
        return day.weekday() < 5

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.tz).astimezone(UTC)

    def _segments(self, start: datetime, until: datetime | None = None) -> Iterator[Interval]:
        day = start.astimezone(self.tz).date()
        warned = False
        # Stopping at ``until`` keeps a measurement that ends on 31 December from warning about January.
        while until is None or self._day_start(day) < until:
            if not warned and not self.is_covered(day):
                warned = True
                if not self.strict:
                    warnings.warn(
                        f"no holiday data for {day.year}: counting Monday-Friday as working days",
                        CalendarFallbackWarning,
                        stacklevel=4,
                    )
            if self.is_working_day(day):
                seg_start, seg_end = max(start, self._day_start(day)), self._day_start(day + timedelta(1))
                if seg_start < seg_end:
                    yield seg_start, seg_end
            day += timedelta(days=1)


def calendar_for(kind: CalendarKind, tz: ZoneInfo = SHANGHAI) -> Calendar:
    if kind is CalendarKind.WALL:
        return WallCalendar(tz)
    return WorkingDayCalendar(tz)


def add_working_time(start: datetime, working_days: float, paused: Iterable[Interval] = ()) -> datetime:
    """``start`` plus ``working_days`` of business time on China's calendar, skipping ``paused``."""
    return WorkingDayCalendar().add(start, timedelta(days=working_days), paused)


def working_time_between(a: datetime, b: datetime, paused: Iterable[Interval] = ()) -> timedelta:
    """Business time in ``[a, b)``; ``timedelta(days=1)`` is one working day."""
    return WorkingDayCalendar().between(a, b, paused)
