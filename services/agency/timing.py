"""When an agency step happened: the time its own system reports, or now, within bounds.

The one place that decides which reported times are believable: never in the future beyond the clock
skew (`AGENCY_CLOCK_SKEW_SECONDS`), never before the previous step, and never before the referral existed
unless the step is recorded as a late entry with a reason (a paper record typed in afterwards, a unit
that acted before the report reached the system). Who may record late entries is decided here too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backbone.clock import utcnow
from backbone.settings import get_settings
from services.agency.errors import InvalidInput, NotPermitted

# The default of AGENCY_CLOCK_SKEW_SECONDS: agencies' systems keep their own clocks.
CLOCK_SKEW = timedelta(minutes=2)
LATE_ENTRY_FIELD = "late_entry_reason"
# The access policy's `may` for a step route: whose grant names it may record the step as a late entry.
RECORD_LATE_ENTRY = "record_late_entry"


def clock_skew() -> timedelta:
    """How far ahead of ours an agency's clock may be (and a referral's creation time behind it)."""
    return timedelta(seconds=get_settings().agency_clock_skew_seconds)


def check_late_entry(reason: str | None, *, may_record: bool = True) -> str | None:
    """The late entry's reason, stripped; InvalidInput when blank, NotPermitted unless `may_record`.

    A late entry moves a deadline's start or stop into the past, so it is a supervisor's act: an agency
    system or officer reporting a time out of bounds is refused, not trusted with a reason.
    """
    if reason is None:
        return None
    if not may_record:
        raise NotPermitted(LATE_ENTRY_FIELD, "only a supervisor of the agency may record a late entry")
    if not reason.strip():
        raise InvalidInput(LATE_ENTRY_FIELD, "must say why the entry is late")
    return reason.strip()


def happened_at(
    reported: datetime | None,
    *,
    field: str,
    not_before: datetime | None = None,
    previous_step: str = "",
    referral_made_at: datetime | None = None,
    late_entry_reason: str | None = None,
) -> datetime:
    """The step's time (default now); InvalidInput naming the field when it is out of bounds."""
    now, skew = utcnow(), clock_skew()
    late_entry = check_late_entry(late_entry_reason)
    if reported is None:
        # Defaulted to now: never earlier than a previous step reported within the tolerated skew.
        return max(now, not_before) if not_before is not None else now
    if reported > now + skew:
        raise InvalidInput(field, "must not be in the future")
    if not_before is not None and reported < not_before:
        raise InvalidInput(field, f"must not be before the {previous_step} ({not_before.isoformat()})")
    if referral_made_at is not None and reported < referral_made_at - skew and late_entry is None:
        raise InvalidInput(
            field,
            f"must not be before the referral was made ({referral_made_at.isoformat()}) unless it is "
            f"recorded as a late entry with a {LATE_ENTRY_FIELD}",
        )
    return reported
