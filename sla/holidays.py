"""China's public-holiday calendar as data a city can update: one file per year (`cn-<year>.json`).

Each file lists the year's public holidays (days off) and its adjusted working days (调休, weekend days
worked). A day is a working day if the file lists it as one, else if it is not a holiday and falls
Monday to Friday. A year without a file is not covered: working-day clocks then count Monday-Friday
and mark their due times provisional until the year's file is loaded (at start, or on a reload).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEFAULT_CALENDAR_DIR = Path(__file__).resolve().parents[1] / "contracts" / "calendars"
FILE_GLOB = "cn-*.json"
# How long before the last covered day the calendar reports that it runs out.
RUNS_OUT_WARNING = timedelta(days=60)


class CalendarDataError(ValueError):
    """A calendar file is unreadable or inconsistent; the message names the file and what is wrong."""


@dataclass(frozen=True)
class HolidayYear:
    year: int
    holidays: frozenset[date]
    working_days: frozenset[date]
    source: str = ""


@dataclass(frozen=True)
class HolidayData:
    """Every year loaded from one directory."""

    years: dict[int, HolidayYear] = field(default_factory=dict)
    directory: str = ""
    # (file name, mtime) of what was read, so a refresh only re-reads a changed directory.
    signature: tuple[tuple[str, float], ...] = ()

    def covers(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: date) -> bool | None:
        """The calendar's answer for `day`, or None when its year has no file."""
        data = self.years.get(day.year)
        if data is None:
            return None
        if day in data.working_days:
            return True
        return day not in data.holidays and day.weekday() < 5

    def covered_until(self, today: date) -> date | None:
        """The last day of the unbroken run of covered years from `today`'s; None if today's is missing."""
        if today.year not in self.years:
            return None
        year = today.year
        while year + 1 in self.years:
            year += 1
        return date(year, 12, 31)

    def status(self, today: date) -> dict[str, object]:
        """What readiness and the API report: coverage, and a warning 60 days before it runs out."""
        until = self.covered_until(today)
        left = (until - today).days if until is not None else None
        warning = None
        if until is None or left is None:
            warning = f"no holiday calendar covers {today.year}: working-day deadlines are provisional"
        elif today + RUNS_OUT_WARNING >= until:
            warning = (
                f"the holiday calendar ends on {until.isoformat()} ({left} days): "
                f"add cn-{until.year + 1}.json from the State Council's notice"
            )
        return {
            "years": sorted(self.years),
            "covered_until": until.isoformat() if until else None,
            "days_left": left,
            "warning": warning,
        }


def _signature(directory: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime) for p in directory.glob(FILE_GLOB)))


def _days(doc: dict, key: str, year: int, source: Path) -> frozenset[date]:
    raw = doc.get(key)
    if not isinstance(raw, dict):
        raise CalendarDataError(f"{source}: '{key}' must be an object of ISO dates to names")
    try:
        days = frozenset(date.fromisoformat(text) for text in raw)
    except ValueError as error:
        raise CalendarDataError(f"{source}: '{key}' holds a date that is not YYYY-MM-DD ({error})") from None
    if any(d.year != year for d in days):
        raise CalendarDataError(f"{source}: '{key}' holds a date outside {year}")
    return days


def load_year(path: Path) -> HolidayYear:
    """One year's file, checked: its year matches the name and no day is both a holiday and worked."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CalendarDataError(f"cannot read holiday calendar {path}: {error}") from None
    year = doc.get("year") if isinstance(doc, dict) else None
    if not isinstance(year, int) or path.name != f"cn-{year}.json":
        raise CalendarDataError(f"{path}: 'year' must be the year in the file name")
    holidays, working = _days(doc, "holidays", year, path), _days(doc, "working_days", year, path)
    if holidays & working:
        raise CalendarDataError(
            f"{path}: {sorted(holidays & working)[0]} is both a holiday and a working day"
        )
    return HolidayYear(year, holidays, working, str(doc.get("source", "")))


def load_directory(directory: str | Path | None = None) -> HolidayData:
    """Every `cn-<year>.json` in the directory (default: the shipped contracts/calendars)."""
    path = Path(directory) if directory else DEFAULT_CALENDAR_DIR
    if not path.is_dir():
        raise CalendarDataError(f"holiday calendar directory {path} does not exist")
    years = {data.year: data for data in map(load_year, sorted(path.glob(FILE_GLOB)))}
    return HolidayData(years=years, directory=str(path), signature=_signature(path))


_lock = threading.Lock()
_installed: HolidayData | None = None


def installed() -> HolidayData:
    """The calendar data in force in this process (the shipped directory until one is installed)."""
    global _installed
    if _installed is None:
        with _lock:
            if _installed is None:
                _installed = load_directory()
    return _installed


def install(data: HolidayData) -> HolidayData:
    """Put `data` in force (at start, from SLA_CALENDAR_DIR; or on a reload); returns it."""
    global _installed
    with _lock:
        _installed = data
    _on_install(data)
    return data


def refresh(directory: str | Path | None = None, *, force: bool = False) -> bool:
    """Re-read the directory if a file was added or changed since it was loaded; True if it was."""
    current = installed()
    path = Path(directory) if directory else Path(current.directory or DEFAULT_CALENDAR_DIR)
    if not force and path.is_dir() and _signature(path) == current.signature:
        return False
    install(load_directory(path))
    return True


def _on_install(data: HolidayData) -> None:
    # Working-day answers are cached per day; a new calendar invalidates them.
    from sla.calendar import forget_cached_days

    forget_cached_days()


def calendar_status() -> dict[str, object]:
    """The status of the calendar in force, as of today in China."""
    from backbone.clock import utcnow
    from sla.calendar import SHANGHAI

    return installed().status(utcnow().astimezone(SHANGHAI).date())


async def install_configured(settings: Any) -> None:
    """A service's `prepare` hook: put SLA_CALENDAR_DIR's calendar (default the shipped one) in force.

    Fails loudly on a missing directory or a bad file: deadlines must not be computed on guesses.
    """
    install(await asyncio.to_thread(load_directory, settings.sla_calendar_dir))
