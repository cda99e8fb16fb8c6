"""The retry schedule: exponential-looking waits with upward jitter, given up after the last retry or
when a delivery (waiting behind an earlier one of its case) has spent its whole window."""

from datetime import UTC, datetime, timedelta

import pytest

from backbone.settings import Settings
from services.notifications.deliveries.schedule import RetrySchedule, parse_schedule

QUEUED = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def test_the_default_schedule_retries_for_more_than_a_day() -> None:
    waits = parse_schedule(Settings().webhook_retry_schedule)
    assert waits[:3] == (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30))
    assert RetrySchedule(waits).window >= timedelta(hours=24)


@pytest.mark.parametrize("text", ["", "5", "5x", "0s", "5s,,5m", "-5s"])
def test_malformed_schedules_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="retry schedule step"):
        parse_schedule(text)


def test_each_failure_waits_its_step_stretched_by_at_most_the_jitter() -> None:
    schedule = RetrySchedule(parse_schedule("5s,5m,30m"), jitter=0.1)
    assert schedule.after_failure(attempts=1, queued_at=QUEUED, now=QUEUED, draw=0.0) == QUEUED + timedelta(
        seconds=5
    )
    later = QUEUED + timedelta(seconds=6)
    stretched = schedule.after_failure(attempts=2, queued_at=QUEUED, now=later, draw=0.999)
    assert later + timedelta(minutes=5) < stretched < later + timedelta(minutes=5.5)


def test_after_the_last_retry_fails_the_delivery_is_dead_lettered() -> None:
    schedule = RetrySchedule(parse_schedule("5s,5m,30m"), jitter=0)
    second = QUEUED + timedelta(seconds=5)
    assert schedule.after_failure(attempts=2, queued_at=QUEUED, now=second, draw=0.5) == second + timedelta(
        minutes=5
    )
    fourth = QUEUED + timedelta(minutes=35, seconds=5)
    assert schedule.after_failure(attempts=4, queued_at=QUEUED, now=fourth, draw=0.5) is None


def test_a_delivery_that_waited_its_whole_window_behind_its_case_is_given_up_at_its_first_failure() -> None:
    schedule = RetrySchedule(parse_schedule("5s,5m"), jitter=0)
    assert schedule.window == timedelta(minutes=5, seconds=5)
    now = QUEUED + schedule.window
    assert schedule.after_failure(attempts=1, queued_at=QUEUED, now=now, draw=0.5) is None
