"""When an agency step happened: the time its own system reports, or now; never in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

from backbone.clock import utcnow
from services.agency.errors import InvalidInput

# Agencies' systems keep their own clocks; a small skew is tolerated, a time in the future is not.
CLOCK_SKEW = timedelta(minutes=2)


def happened_at(
    reported: datetime | None,
    *,
    field: str,
    not_before: datetime | None = None,
    previous_step: str = "",
) -> datetime:
    """The step's time (default now); InvalidInput naming the field if in the future or before the last."""
    now = utcnow()
    if reported is None:
        # Defaulted to now: never earlier than a previous step reported within the tolerated skew.
        return max(now, not_before) if not_before is not None else now
    at = reported
    if at > now + CLOCK_SKEW:
        raise InvalidInput(field, "must not be in the future")
    if not_before is not None and at < not_before:
        raise InvalidInput(field, f"must not be before the {previous_step} ({not_before.isoformat()})")
    return at
