"""The referral state machine: pending -> accepted | declined, accepted -> completed, nothing else."""

import pytest

from contracts.events.common import Priority
from services.agency.errors import StepRefused
from services.agency.referrals.rules import (
    ReferralAction,
    ReferralStatus,
    accepts_implicitly,
    check_steps_allowed,
    more_urgent,
    next_status,
)

PENDING, ACCEPTED, DECLINED, COMPLETED = (
    ReferralStatus.PENDING,
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
)
LEGAL = {
    (PENDING, ReferralAction.ACCEPT): ACCEPTED,
    (PENDING, ReferralAction.DECLINE): DECLINED,
    (ACCEPTED, ReferralAction.COMPLETE): COMPLETED,
}


@pytest.mark.parametrize(("status", "action"), list(LEGAL))
def test_legal_transitions(status: ReferralStatus, action: ReferralAction) -> None:
    assert next_status(status, action) is LEGAL[(status, action)]


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (PENDING, ReferralAction.COMPLETE, "accept the referral first"),
        (ACCEPTED, ReferralAction.ACCEPT, "the referral is already accepted"),
        (ACCEPTED, ReferralAction.DECLINE, "complete it instead of declining it"),
        (DECLINED, ReferralAction.ACCEPT, "the referral is already declined: it cannot be accepted"),
        (DECLINED, ReferralAction.DECLINE, "the referral is already declined: it cannot be declined"),
        (DECLINED, ReferralAction.COMPLETE, "the referral is already declined: it cannot be completed"),
        (COMPLETED, ReferralAction.ACCEPT, "the referral is already completed: it cannot be accepted"),
        (COMPLETED, ReferralAction.DECLINE, "the referral is already completed: it cannot be declined"),
        (COMPLETED, ReferralAction.COMPLETE, "the referral is already completed: it cannot be completed"),
    ],
)
def test_illegal_transitions_say_why(status: ReferralStatus, action: ReferralAction, message: str) -> None:
    with pytest.raises(StepRefused, match=message):
        next_status(status, action)


def test_every_pair_is_either_legal_or_refused() -> None:
    for status in ReferralStatus:
        for action in ReferralAction:
            if (status, action) in LEGAL:
                continue
            with pytest.raises(StepRefused):
                next_status(status, action)


def test_agency_steps_need_an_accepted_referral() -> None:
    check_steps_allowed(ACCEPTED)
    with pytest.raises(StepRefused, match=r"^accept the referral first$"):
        check_steps_allowed(PENDING)
    for finished in (DECLINED, COMPLETED):
        with pytest.raises(StepRefused, match=f"the referral is {finished.value}"):
            check_steps_allowed(finished)


def test_only_emergencies_are_accepted_by_a_first_moment_step() -> None:
    assert accepts_implicitly(priority=Priority.P1, emergency=False)
    assert accepts_implicitly(priority=Priority.P2, emergency=True)
    assert not accepts_implicitly(priority=Priority.P2, emergency=False)
    assert not accepts_implicitly(priority=Priority.P3, emergency=False)


def test_a_raise_is_towards_p1() -> None:
    assert more_urgent(Priority.P1, Priority.P2)
    assert more_urgent(Priority.P2, Priority.P3)
    assert not more_urgent(Priority.P2, Priority.P2)
    assert not more_urgent(Priority.P3, Priority.P1)
