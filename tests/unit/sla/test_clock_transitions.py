"""The clock's state machine: legal transitions, met versus met_late, and refused ones."""

from collections.abc import Callable
from datetime import datetime

import pytest

from sla.calendar import SHANGHAI
from sla.clock import (
    Clock,
    ClockError,
    ClockState,
    ClockTimeError,
    IllegalClockTransition,
)
from sla.policy import SlaPolicy

POLICY = SlaPolicy.load()


def sh(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=SHANGHAI)


def admission() -> Clock:
    """health.admission: 1 h wall clock started at 10:00, due 11:00."""
    return Clock.start(POLICY.clock("health.admission"), case_id="c", subject="r", at=sh(10))


def test_stop_before_due_is_met() -> None:
    clock = admission()
    clock.stop(sh(10, 40))
    assert (clock.state, clock.stopped_at, clock.is_open) == (ClockState.MET, sh(10, 40), False)


def test_stop_exactly_at_due_is_on_time() -> None:
    clock = admission()
    clock.stop(sh(11))
    assert clock.state is ClockState.MET


def test_stop_after_due_is_met_late_even_without_a_recorded_breach() -> None:
    clock = admission()
    clock.stop(sh(11, 1))
    assert clock.state is ClockState.MET_LATE
    assert clock.breached_at is None


def test_a_breached_clock_can_still_be_stopped_and_keeps_its_breach() -> None:
    clock = admission()
    clock.record_breach(sh(11))
    assert (clock.state, clock.breached_at, clock.is_open) == (ClockState.BREACHED, sh(11), True)
    clock.stop(sh(11, 30))
    assert (clock.state, clock.stopped_at, clock.breached_at) == (ClockState.MET_LATE, sh(11, 30), sh(11))


def test_a_breach_cannot_be_recorded_before_due() -> None:
    clock = admission()
    with pytest.raises(ClockTimeError, match="not due until"):
        clock.record_breach(sh(10, 59))


def paused(clock: Clock) -> Clock:
    clock.pause(sh(10, 10), "waiting")
    return clock


def stopped(clock: Clock) -> Clock:
    clock.stop(sh(10, 10))
    return clock


def breached(clock: Clock) -> Clock:
    clock.record_breach(sh(11))
    return clock


SPEC = POLICY.clock("health.admission")


@pytest.mark.parametrize(
    ("prepare", "act"),
    [
        (lambda c: c, lambda c: c.resume(sh(10, 20))),
        (paused, lambda c: c.pause(sh(10, 20), "again")),
        (paused, lambda c: c.record_breach(sh(12))),
        (stopped, lambda c: c.stop(sh(10, 20))),
        (stopped, lambda c: c.pause(sh(10, 20), "after the fact")),
        (stopped, lambda c: c.resume(sh(10, 20))),
        (stopped, lambda c: c.record_breach(sh(12))),
        (stopped, lambda c: c.change_priority(sh(10, 20), "P1", SPEC)),
        (breached, lambda c: c.pause(sh(11, 10), "hide it")),
        (breached, lambda c: c.resume(sh(11, 10))),
        (breached, lambda c: c.record_breach(sh(11, 10))),
        (breached, lambda c: c.change_priority(sh(11, 10), "P3", SPEC)),
    ],
    ids=[
        "resume-running",
        "pause-paused",
        "breach-paused",
        "stop-twice",
        "pause-stopped",
        "resume-stopped",
        "breach-stopped",
        "regrade-stopped",
        "pause-breached",
        "resume-breached",
        "breach-twice",
        "regrade-breached",
    ],
)
def test_illegal_transitions_raise_and_change_nothing(
    prepare: Callable[[Clock], Clock], act: Callable[[Clock], None]
) -> None:
    clock = prepare(admission())
    before = (clock.state, list(clock.pauses), clock.stopped_at, clock.breached_at)
    with pytest.raises(IllegalClockTransition):
        act(clock)
    assert (clock.state, list(clock.pauses), clock.stopped_at, clock.breached_at) == before


@pytest.mark.parametrize(
    "act",
    [
        lambda c: c.pause(sh(9, 59), "before start"),
        lambda c: (c.pause(sh(10, 30), "x"), c.resume(sh(10, 20))),
        lambda c: (c.pause(sh(10, 30), "x"), c.resume(sh(10, 40)), c.stop(sh(10, 35))),
    ],
    ids=["pause-before-start", "resume-before-pause", "stop-before-resume"],
)
def test_transitions_cannot_go_back_in_time(act: Callable[[Clock], object]) -> None:
    with pytest.raises(ClockTimeError, match="before the clock's last change"):
        act(admission())


def test_timestamps_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        admission().stop(datetime(2026, 3, 2, 10, 30))


def test_domain_errors_share_a_base() -> None:
    assert issubclass(IllegalClockTransition, ClockError)
    assert issubclass(ClockTimeError, ClockError) and issubclass(ClockTimeError, ValueError)


def test_a_stop_reported_before_a_breach_recorded_meanwhile_is_on_time() -> None:
    # The dispatch happened on time but its event arrived after the timer had recorded the breach.
    clock = breached(admission())
    clock.stop(sh(10, 50))
    assert (clock.state, clock.stopped_at, clock.breached_at) == (ClockState.MET, sh(10, 50), sh(11))
    assert clock.lateness(sh(12)).total_seconds() == 0
