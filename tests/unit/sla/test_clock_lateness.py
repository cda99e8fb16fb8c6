"""How late a clock is: wall time past due, frozen once the clock stops."""

from datetime import datetime, timedelta

import pytest

from sla.calendar import SHANGHAI
from sla.clock import Clock
from sla.policy import SlaPolicy

POLICY = SlaPolicy.load()


def sh(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def admission() -> Clock:
    return Clock.start(POLICY.clock("health.admission"), case_id="c", subject="r", at=sh(3, 2, 10))


def test_not_late_before_or_at_due() -> None:
    clock = admission()
    assert clock.lateness(sh(3, 2, 10, 30)) == timedelta(0)
    assert clock.lateness(sh(3, 2, 11)) == timedelta(0)


def test_late_grows_while_open() -> None:
    clock = admission()
    assert clock.lateness(sh(3, 2, 11, 20)) == timedelta(minutes=20)
    clock.record_breach(sh(3, 2, 11, 20))
    assert clock.lateness(sh(3, 2, 13)) == timedelta(hours=2)


def test_lateness_is_frozen_at_the_stop() -> None:
    clock = admission()
    clock.stop(sh(3, 2, 11, 45))
    assert clock.lateness(sh(3, 9, 0)) == timedelta(minutes=45)


def test_a_clock_met_on_time_is_never_late() -> None:
    clock = admission()
    clock.stop(sh(3, 2, 10, 50))
    assert clock.lateness(sh(3, 9, 0)) == timedelta(0)


def test_a_paused_clock_is_not_late() -> None:
    clock = admission()
    clock.pause(sh(3, 2, 10, 30), "child being stabilised by paramedics")
    assert clock.lateness(sh(3, 2, 18)) == timedelta(0)


def test_working_day_lateness_is_reported_in_wall_time() -> None:
    spec = POLICY.clock("referral.acceptance")
    clock = Clock.start(spec, case_id="c", subject="r", at=sh(2, 13, 20), priority="P3", agency="police")
    assert clock.due_at == sh(2, 14, 20)
    assert clock.lateness(sh(2, 24, 20)) == timedelta(days=10)  # ten calendar days over a holiday


def test_lateness_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        admission().lateness(datetime(2026, 3, 2, 12))
