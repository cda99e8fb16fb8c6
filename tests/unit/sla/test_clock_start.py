"""Starting clocks: targets per priority and area, agency resolution, and due times in each calendar."""

from datetime import datetime, timedelta

import pytest

from sla.calendar import SHANGHAI
from sla.clock import Clock, ClockState
from sla.policy import SlaPolicy, TargetNotDefined

POLICY = SlaPolicy.load()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def start(name: str, at: datetime, **kwargs: str) -> Clock:
    return Clock.start(POLICY.clock(name), case_id="case-1", subject="ref-1", at=at, **kwargs)


def test_a_started_clock_records_who_what_and_when() -> None:
    clock = start("police.first_dispatch", sh(2026, 3, 2, 10), priority="P1")
    assert clock.name == "police.first_dispatch"
    assert clock.agency == "police"
    assert (clock.case_id, clock.subject) == ("case-1", "ref-1")
    assert clock.policy_version == "sla.v1"
    assert clock.state is ClockState.RUNNING and clock.is_open
    assert clock.started_at == sh(2026, 3, 2, 10)
    assert clock.pauses == [] and clock.stopped_at is None and clock.breached_at is None
    assert clock.due_at == sh(2026, 3, 2, 10, 3)


@pytest.mark.parametrize(("priority", "minutes"), [("P1", 3), ("P2", 15), ("P3", 60)])
def test_first_dispatch_targets_by_priority(priority: str, minutes: int) -> None:
    clock = start("police.first_dispatch", sh(2026, 3, 2, 23, 59), priority=priority)
    assert clock.due_at == sh(2026, 3, 2, 23, 59) + timedelta(minutes=minutes)


@pytest.mark.parametrize(("area", "minutes"), [("urban", 5), ("suburban", 10), ("rural", 30)])
def test_arrival_targets_by_area(area: str, minutes: int) -> None:
    clock = start("police.arrival", sh(2026, 2, 17, 3), priority="P1", area=area)  # holidays do not matter
    assert clock.due_at == sh(2026, 2, 17, 3, minutes)


def test_arrival_needs_an_area() -> None:
    with pytest.raises(TargetNotDefined, match="area=None"):
        start("police.arrival", sh(2026, 3, 2), priority="P1")


def test_priority_clocks_need_a_priority() -> None:
    with pytest.raises(TargetNotDefined, match="priority=None"):
        start("police.first_dispatch", sh(2026, 3, 2))


def test_referral_clocks_belong_to_the_referrals_agency() -> None:
    clock = start("referral.acceptance", sh(2026, 3, 2, 9), priority="P2", agency="education")
    assert clock.agency == "education"
    assert clock.due_at == sh(2026, 3, 2, 13)
    assert [c.notify for c in clock.checkpoints()][-2:] == ["education.supervisor", "joint_meeting_office"]
    with pytest.raises(ValueError, match="referral's agency"):
        start("referral.acceptance", sh(2026, 3, 2, 9), priority="P2")


def test_working_day_clocks_skip_spring_festival() -> None:
    assessment = start("assessment", sh(2026, 2, 12, 9), priority="P1", agency="civil_affairs")
    assert assessment.due_at == sh(2026, 2, 24, 9)  # 12th, 13th, the working Saturday 14th, then the 24th


def test_working_day_clocks_skip_national_day_and_count_its_working_saturday() -> None:
    feedback = start("reporter.feedback", sh(2025, 9, 30, 10))
    # 30 Sep (14 h), 9, 10, 11 (working Saturday) and 13 Oct, then 10 h of 14 Oct.
    assert feedback.due_at == sh(2025, 10, 14, 10)


def test_referral_acceptance_p3_is_one_working_day() -> None:
    clock = start("referral.acceptance", sh(2025, 9, 30, 20), priority="P3", agency="health")
    assert clock.due_at == sh(2025, 10, 9, 20)


def test_monthly_visit_is_thirty_days() -> None:
    assert start("child_director.visit", sh(2026, 1, 31, 15)).due_at == sh(2026, 3, 2, 15)


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        start("health.admission", datetime(2026, 3, 2, 10))
