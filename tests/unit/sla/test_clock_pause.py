"""Pausing a clock stops its counting; resuming pushes the due time and later checkpoints back."""

from datetime import datetime

import pytest

from sla.calendar import SHANGHAI
from sla.clock import Clock, ClockState, IllegalClockTransition, Pause
from sla.policy import SlaPolicy

POLICY = SlaPolicy.load()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def placement(at: datetime) -> Clock:
    return Clock.start(POLICY.clock("civil_affairs.placement"), case_id="c", subject="r", at=at)


def assessment_p1(at: datetime) -> Clock:
    spec = POLICY.clock("assessment")
    return Clock.start(spec, case_id="c", subject="r", at=at, priority="P1", agency="civil_affairs")


def fire_times(clock: Clock) -> dict[str, datetime]:
    return {c.kind: c.fire_at for c in clock.checkpoints()}


def test_pause_and_resume_push_back_the_due_time_and_later_checkpoints() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    assert clock.due_at == sh(2026, 3, 3, 8)

    clock.pause(sh(2026, 3, 2, 21), "child in surgery, no placement possible")
    assert clock.state is ClockState.PAUSED
    assert clock.due_at is None  # depends on when the pause ends
    assert fire_times(clock) == {"warning_50": sh(2026, 3, 2, 20)}  # already behind us, unchanged

    clock.resume(sh(2026, 3, 3, 1))
    assert clock.state is ClockState.RUNNING
    assert clock.due_at == sh(2026, 3, 3, 12)
    assert fire_times(clock) == {
        "warning_50": sh(2026, 3, 2, 20),
        "warning_75": sh(2026, 3, 3, 6),
        "breach": sh(2026, 3, 3, 12),
        "escalation_supervisor": sh(2026, 3, 3, 12),
        "escalation_joint_meeting_office": sh(2026, 3, 4, 12),
    }
    assert clock.pauses == [
        Pause(sh(2026, 3, 2, 21), "child in surgery, no placement possible", sh(2026, 3, 3, 1))
    ]


def test_pauses_add_up() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    for begin, end in [(9, 10), (11, 13)]:
        clock.pause(sh(2026, 3, 2, begin), "waiting for the family")
        clock.resume(sh(2026, 3, 2, end))
    assert clock.due_at == sh(2026, 3, 3, 11)
    assert len(clock.pauses) == 2


def test_a_pause_over_a_holiday_costs_no_working_time() -> None:
    clock = assessment_p1(sh(2026, 2, 12, 9))
    clock.pause(sh(2026, 2, 16), "family travelling for Spring Festival")
    clock.resume(sh(2026, 2, 21))
    assert clock.due_at == sh(2026, 2, 24, 9)


def test_a_pause_over_a_working_day_moves_a_working_day_deadline_by_a_working_day() -> None:
    clock = assessment_p1(sh(2026, 2, 12, 9))
    clock.pause(sh(2026, 2, 13), "child hospitalised")
    clock.resume(sh(2026, 2, 14))
    assert clock.due_at == sh(2026, 2, 25, 9)


def test_while_paused_only_checkpoints_before_the_pause_can_come_due() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    clock.pause(sh(2026, 3, 2, 21), "child in surgery")
    # The timer loop was down when warning_50 fell due; it still gets it, and nothing later.
    assert [c.kind for c in clock.due_checkpoints(sh(2026, 3, 9), set())] == ["warning_50"]


def test_stopping_a_paused_clock_ends_the_pause_and_judges_against_the_extended_deadline() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    clock.pause(sh(2026, 3, 2, 9), "court hearing")
    clock.stop(sh(2026, 3, 3, 9))  # 25 h after start, but only 1 h of it counted
    assert clock.pauses[-1].ended_at == sh(2026, 3, 3, 9)
    assert clock.stopped_at == sh(2026, 3, 3, 9)
    assert clock.due_at == sh(2026, 3, 4, 8)
    assert clock.state is ClockState.MET


def test_an_overdue_clock_cannot_be_paused() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    with pytest.raises(IllegalClockTransition, match="overdue"):
        clock.pause(sh(2026, 3, 3, 8), "too late")
    assert clock.state is ClockState.RUNNING and clock.pauses == []


def test_a_pause_needs_a_reason() -> None:
    clock = placement(sh(2026, 3, 2, 8))
    with pytest.raises(ValueError, match="reason"):
        clock.pause(sh(2026, 3, 2, 9), "  ")
