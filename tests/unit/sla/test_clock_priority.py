"""Re-grading a clock keeps the time already counted and moves its deadline and checkpoints."""

import json
from datetime import datetime

import pytest

from sla.calendar import SHANGHAI
from sla.clock import Clock, ClockSpecMismatch, ClockState
from sla.policy import DEFAULT_POLICY_PATH, SlaPolicy

POLICY = SlaPolicy.load()
DISPATCH = POLICY.clock("police.first_dispatch")
ACCEPTANCE = POLICY.clock("referral.acceptance")


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=SHANGHAI)


def dispatch(priority: str) -> Clock:
    return Clock.start(DISPATCH, case_id="c", subject="r", at=sh(2, 10), priority=priority)


def test_p3_to_p1_makes_it_due_sooner() -> None:
    clock = dispatch("P3")
    assert clock.due_at == sh(2, 11)
    clock.change_priority(sh(2, 10, 1), "P1", DISPATCH)
    assert clock.priority == "P1"
    assert clock.due_at == sh(2, 10, 3)
    change = clock.priority_changes[-1]
    assert (change.at, change.old_priority, change.new_priority) == (sh(2, 10, 1), "P3", "P1")


def test_p1_to_p3_makes_it_due_later() -> None:
    clock = dispatch("P1")
    clock.change_priority(sh(2, 10, 1), "P3", DISPATCH)
    assert clock.due_at == sh(2, 11)


def test_when_the_new_deadline_has_passed_the_breach_checkpoints_are_due_at_once() -> None:
    clock = dispatch("P3")
    now = sh(2, 10, 4)
    assert clock.due_checkpoints(now, set()) == []
    clock.change_priority(now, "P1", DISPATCH)
    due = clock.due_checkpoints(now, set())
    assert [c.kind for c in due] == ["warning_50", "warning_75", "breach", "escalation_supervisor"]
    assert all(c.fire_at <= now for c in due)
    assert clock.lateness(now).total_seconds() == 60
    clock.record_breach(now)
    assert clock.state is ClockState.BREACHED


def test_checkpoints_already_fired_are_not_fired_again_after_a_regrade() -> None:
    clock = dispatch("P3")
    fired = {c.kind for c in clock.due_checkpoints(sh(2, 10, 31), set())}
    assert fired == {"warning_50"}
    clock.change_priority(sh(2, 10, 31), "P2", DISPATCH)
    assert [c.kind for c in clock.due_checkpoints(sh(2, 10, 31), fired)] == [
        "warning_75",
        "breach",
        "escalation_supervisor",
        "escalation_joint_meeting_office",
    ]


def test_a_regrade_can_switch_calendars() -> None:
    # P3 acceptance is one working day; P1 is one wall-clock hour from the same start.
    clock = Clock.start(ACCEPTANCE, case_id="c", subject="r", at=sh(13, 20), priority="P3", agency="health")
    assert clock.due_at == sh(14, 20)
    clock.change_priority(sh(13, 20, 30), "P1", ACCEPTANCE)
    assert clock.due_at == sh(13, 21)


def test_regrading_a_paused_clock_keeps_it_paused_while_the_deadline_is_ahead() -> None:
    clock = dispatch("P3")
    clock.pause(sh(2, 10, 5), "caller unreachable")
    clock.change_priority(sh(2, 10, 6), "P2", DISPATCH)
    assert clock.state is ClockState.PAUSED
    clock.resume(sh(2, 10, 16))
    assert clock.due_at == sh(2, 10, 26)  # 15 min target plus the 11 min pause


def test_regrading_a_paused_clock_past_its_deadline_ends_the_pause() -> None:
    clock = dispatch("P3")
    clock.pause(sh(2, 10, 5), "caller unreachable")
    clock.change_priority(sh(2, 10, 7), "P1", DISPATCH)  # P1 was due at 10:03, before the pause
    assert clock.state is ClockState.RUNNING
    assert clock.pauses[-1].ended_at == sh(2, 10, 7)
    assert clock.due_at == sh(2, 10, 3)
    assert "breach" in {c.kind for c in clock.due_checkpoints(sh(2, 10, 7), set())}


def test_a_spec_from_another_clock_or_version_is_refused() -> None:
    clock = dispatch("P3")
    with pytest.raises(ClockSpecMismatch):
        clock.change_priority(sh(2, 10, 1), "P1", ACCEPTANCE)
    data = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    data["version"] = "sla.v2"
    v2_dispatch = SlaPolicy.from_dict(data).clock("police.first_dispatch")
    with pytest.raises(ClockSpecMismatch, match=r"sla\.v2"):
        clock.change_priority(sh(2, 10, 1), "P1", v2_dispatch)
    assert clock.priority == "P3" and clock.priority_changes == []
