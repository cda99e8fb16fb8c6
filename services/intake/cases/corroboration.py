"""Is a new report a second report of an incident already open in the child's file?

Rule (project policy v1): the same child, at least one category in common, an incident time within
24 hours of the open case's incident, and the case not closed. Then the report corroborates the case's
first report instead of opening another case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

SAME_INCIDENT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class CaseFacts:
    """What the rule looks at in an existing case of the same child."""

    case_id: str
    first_report_id: str
    categories: frozenset[str]
    incident_occurred_at: datetime
    opened_at: datetime
    closed: bool = False


def is_same_incident(
    case: CaseFacts,
    *,
    categories: Iterable[str],
    occurred_at: datetime,
    window: timedelta = SAME_INCIDENT_WINDOW,
) -> bool:
    """Whether a report of these categories, occurring then, is about this case's incident."""
    return (
        not case.closed
        and bool(case.categories & set(categories))
        and abs(occurred_at - case.incident_occurred_at) <= window
    )


def corroborated_case(
    cases: Iterable[CaseFacts], *, categories: Iterable[str], occurred_at: datetime
) -> CaseFacts | None:
    """The open case the report joins: the one whose incident is nearest in time, the oldest on a tie."""
    wanted = frozenset(categories)
    same = [c for c in cases if is_same_incident(c, categories=wanted, occurred_at=occurred_at)]
    if not same:
        return None
    return min(same, key=lambda c: (abs(occurred_at - c.incident_occurred_at), c.opened_at, c.case_id))
