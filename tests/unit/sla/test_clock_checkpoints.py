"""Warnings at 50 % and 75 %, breach and escalations, and firing each exactly once."""

from datetime import datetime, timedelta

import pytest

from sla.calendar import SHANGHAI
from sla.clock import Checkpoint, Clock
from sla.policy import SlaPolicy

POLICY = SlaPolicy.load()


def sh(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def dispatch_p1() -> Clock:
    spec = POLICY.clock("police.first_dispatch")
    return Clock.start(spec, case_id="c", subject="r", at=sh(3, 2, 10), priority="P1")


def test_wall_clock_checkpoints() -> None:
    assert dispatch_p1().checkpoints() == [
        Checkpoint("warning_50", sh(3, 2, 10, 1, 30), "police"),
        Checkpoint("warning_75", sh(3, 2, 10, 2, 15), "police"),
        Checkpoint("breach", sh(3, 2, 10, 3), "police"),
        Checkpoint("escalation_supervisor", sh(3, 2, 10, 3), "police.supervisor"),
        Checkpoint("escalation_joint_meeting_office", sh(3, 2, 10, 6), "joint_meeting_office"),
    ]


def test_working_day_checkpoints_are_fractions_of_business_time() -> None:
    spec = POLICY.clock("referral.acceptance")
    clock = Clock.start(spec, case_id="c", subject="r", at=sh(2, 13, 20), priority="P3", agency="education")
    assert [(c.kind, c.fire_at) for c in clock.checkpoints()] == [
        ("warning_50", sh(2, 14, 8)),  # the adjusted working Saturday
        ("warning_75", sh(2, 14, 14)),
        ("breach", sh(2, 14, 20)),
        ("escalation_supervisor", sh(2, 14, 20)),
        ("escalation_joint_meeting_office", sh(2, 24, 20)),  # open as long again, after the holiday
    ]


def test_assessment_p2_warns_after_five_of_ten_working_days() -> None:
    spec = POLICY.clock("assessment")
    clock = Clock.start(spec, case_id="c", subject="r", at=sh(2, 9, 9), priority="P2", agency="civil_affairs")
    fire = {c.kind: c.fire_at for c in clock.checkpoints()}
    # Working days: 9-13 Feb, Sat 14, then 24-27 Feb, Sat 28, 2-6 Mar ...
    assert fire["warning_50"] == sh(2, 14, 9)
    assert fire["breach"] == sh(2, 28, 9)  # the adjusted working Saturday after Spring Festival
    assert fire["escalation_joint_meeting_office"] == sh(3, 13, 9)


def test_a_checkpoint_is_due_from_its_fire_time_on() -> None:
    clock = dispatch_p1()
    assert clock.due_checkpoints(sh(3, 2, 10, 1, 29), set()) == []
    assert [c.kind for c in clock.due_checkpoints(sh(3, 2, 10, 1, 30), set())] == ["warning_50"]


def test_a_timer_loop_fires_each_checkpoint_exactly_once() -> None:
    clock = dispatch_p1()
    fired: dict[str, datetime] = {}
    now = sh(3, 2, 10)
    while now <= sh(3, 2, 10, 10):
        for checkpoint in clock.due_checkpoints(now, set(fired)):
            assert checkpoint.kind not in fired
            fired[checkpoint.kind] = now
        now += timedelta(seconds=15)
    assert fired == {
        "warning_50": sh(3, 2, 10, 1, 30),
        "warning_75": sh(3, 2, 10, 2, 15),
        "breach": sh(3, 2, 10, 3),
        "escalation_supervisor": sh(3, 2, 10, 3),
        "escalation_joint_meeting_office": sh(3, 2, 10, 6),
    }


def test_after_a_restart_everything_missed_is_due_once_in_order() -> None:
    clock = dispatch_p1()
    fired = {"warning_50"}  # all the loop managed before it went down
    due = clock.due_checkpoints(sh(3, 2, 12), fired)
    assert [c.kind for c in due] == [
        "warning_75",
        "breach",
        "escalation_supervisor",
        "escalation_joint_meeting_office",
    ]
    fired |= {c.kind for c in due}
    assert clock.due_checkpoints(sh(3, 2, 12), fired) == []


def test_a_clock_stopped_on_time_has_no_more_checkpoints() -> None:
    clock = dispatch_p1()
    clock.stop(sh(3, 2, 10, 2))
    assert [c.kind for c in clock.checkpoints()] == ["warning_50"]
    # The warning it missed is moot now: the deadline was met.
    assert clock.due_checkpoints(sh(3, 2, 12), set()) == []


def test_a_clock_stopped_late_still_reports_its_missed_breach_but_not_stale_warnings() -> None:
    clock = dispatch_p1()
    clock.stop(sh(3, 2, 10, 4))
    assert [c.kind for c in clock.checkpoints()] == [
        "warning_50",
        "warning_75",
        "breach",
        "escalation_supervisor",
    ]
    assert [c.kind for c in clock.due_checkpoints(sh(3, 2, 12), set())] == ["breach", "escalation_supervisor"]
    assert clock.due_checkpoints(sh(3, 2, 12), {"breach", "escalation_supervisor"}) == []


def test_checkpoints_are_warning_or_not() -> None:
    kinds = {c.kind: c.is_warning for c in dispatch_p1().checkpoints()}
    assert kinds == {
        "warning_50": True,
        "warning_75": True,
        "breach": False,
        "escalation_supervisor": False,
        "escalation_joint_meeting_office": False,
    }


def test_due_checkpoints_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dispatch_p1().due_checkpoints(datetime(2026, 3, 2, 12), set())
