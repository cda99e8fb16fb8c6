"""A clock's countdown is computed from its due time and now; warnings and breaches say so."""

from datetime import UTC, datetime, timedelta

import pytest

from services.ops.board import countdown, duration_text

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def clock(state: str = "running", *, due_in: timedelta | None = timedelta(minutes=3), warned=False) -> dict:
    return {"state": state, "warned": warned, "due_at": (NOW + due_in).isoformat() if due_in else None}


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00"),
        (59, "00:59"),
        (179, "02:59"),
        (3600, "01:00:00"),
        (90061, "1d 01:01:01"),
        (-61, "-01:01"),
    ],
)
def test_durations_read_as_a_clock(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


def test_a_running_clock_counts_down_to_its_due_time() -> None:
    shown = countdown(clock(), NOW)
    assert (shown.seconds_left, shown.tone, shown.label) == (180, "running", "03:00")


def test_a_warned_clock_is_marked() -> None:
    assert countdown(clock(warned=True), NOW).tone == "warning"


def test_a_breached_clock_says_how_late_it_is() -> None:
    shown = countdown(clock("breached", due_in=timedelta(seconds=-61)), NOW)
    assert (shown.seconds_left, shown.tone, shown.label) == (-61, "breached", "breached, 01:01 late")


def test_past_due_is_a_breach_even_before_the_timer_fires() -> None:
    assert countdown(clock(due_in=timedelta(seconds=-1)), NOW).tone == "breached"


def test_a_paused_clock_has_no_countdown() -> None:
    shown = countdown(clock("paused"), NOW)
    assert (shown.seconds_left, shown.tone) == (None, "paused")
