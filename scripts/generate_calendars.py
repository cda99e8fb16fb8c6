"""Writes contracts/calendars/cn-<year>.json from the chinesecalendar package, once per covered year.

The shipped files are the data the working-day clocks read; this script only produced them. A city adds
a year by writing its file from the State Council's notice (国务院办公厅关于<year>年部分节假日安排的通知)
in the same format, then reloads (POST /routing/v1/sla/calendar/reload) or restarts.

    .venv/bin/python scripts/generate_calendars.py [--years 2025 2026]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]

OUT = Path(__file__).resolve().parents[1] / "contracts" / "calendars"


def _of_year(days: dict, year: int) -> dict[str, str]:
    return {day.isoformat(): name for day, name in sorted(days.items()) if day.year == year}


def year_document(year: int) -> dict:
    """One year's public holidays (days off) and adjusted working days (调休), as chinesecalendar has them."""
    return {
        "region": "cn",
        "year": year,
        "source": f"chinesecalendar {chinese_calendar.__version__} (State Council notice for {year})",
        "holidays": _of_year(chinese_calendar.holidays, year),
        "working_days": _of_year(chinese_calendar.workdays, year),
    }


def main() -> None:
    covered = sorted({d.year for d in chinese_calendar.holidays})
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, nargs="*", default=covered)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for year in args.years:
        if year not in covered:
            raise SystemExit(f"chinesecalendar {chinese_calendar.__version__} has no data for {year}")
        text = json.dumps(year_document(year), ensure_ascii=False, indent=2) + "\n"
        (OUT / f"cn-{year}.json").write_text(text, encoding="utf-8")
    print(f"wrote {len(args.years)} files under {OUT}")


if __name__ == "__main__":
    main()
