"""Reports for the report-plan tests: a P1 report to change, and referral ids in order."""

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count

from contracts.events.intake import ReportReceived

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def p1_report(**changes: object) -> ReportReceived:
    """An injured, abused child in immediate danger; `changes` override any field."""
    fields: dict[str, object] = {
        "report_id": "report-1",
        "case_id": "case-1",
        "child_id": "child-1",
        "child_display_name": "张小明",
        "child_gender": "female",
        "child_age_years": 9,
        "source": "hotline_12355",
        "categories": ["abuse"],
        "immediate_danger": True,
        "injured": True,
        "occurred_at": NOW,
        "received_at": NOW,
        "district": "370702",
        "area": "urban",
        "new_case": True,
    }
    return ReportReceived(**(fields | changes))


def ids() -> Callable[[], str]:
    """referral-1, referral-2, ..."""
    numbers = count(1)
    return lambda: f"referral-{next(numbers)}"
