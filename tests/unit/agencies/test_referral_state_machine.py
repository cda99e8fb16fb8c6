"""The referral state machine: pending -> accepted | declined, accepted -> completed | on_hold,
on_hold -> accepted, any open one -> withdrawn; nothing else."""

import pytest

from contracts.events.common import Priority
from services.agency.errors import StepRefused
from services.agency.referrals.rules import (
    ReferralAction,
    ReferralStatus,
    accepts_implicitly,
    check_note_allowed,
    check_steps_allowed,
    more_urgent,
    next_status,
)

PENDING, ACCEPTED, DECLINED, COMPLETED, ON_HOLD, WITHDRAWN = (
    ReferralStatus.PENDING,
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.ON_HOLD,
    ReferralStatus.WITHDRAWN,
)
LEGAL = {
    (PENDING, ReferralAction.ACCEPT): ACCEPTED,
    (PENDING, ReferralAction.DECLINE): DECLINED,
    (ACCEPTED, ReferralAction.COMPLETE): COMPLETED,
    (ACCEPTED, ReferralAction.HOLD): ON_HOLD,
    (ON_HOLD, ReferralAction.RESUME): ACCEPTED,
    (PENDING, ReferralAction.WITHDRAW): WITHDRAWN,
    (ACCEPTED, ReferralAction.WITHDRAW): WITHDRAWN,
    (ON_HOLD, ReferralAction.WITHDRAW): WITHDRAWN,
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
        (
            PENDING,
            ReferralAction.HOLD,
            "accept the referral first: only an accepted referral can be put on hold",
        ),
        (ON_HOLD, ReferralAction.HOLD, "the referral is on hold: resume it before it can be put on hold"),
        (ON_HOLD, ReferralAction.COMPLETE, "the referral is on hold: resume it before it can be completed"),
        (
            ACCEPTED,
            ReferralAction.RESUME,
            "the referral is accepted, not on hold: there is nothing to resume",
        ),
        (WITHDRAWN, ReferralAction.ACCEPT, "the referral is already withdrawn: it cannot be accepted"),
        (WITHDRAWN, ReferralAction.WITHDRAW, "the referral is already withdrawn: it cannot be withdrawn"),
        (COMPLETED, ReferralAction.WITHDRAW, "the referral is already completed: it cannot be withdrawn"),
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
    with pytest.raises(StepRefused, match=r"^the referral is on hold: resume it first$"):
        check_steps_allowed(ON_HOLD)
    for finished in (DECLINED, COMPLETED, WITHDRAWN):
        with pytest.raises(StepRefused, match=f"the referral is {finished.value}"):
            check_steps_allowed(finished)


def test_notes_go_on_work_under_way() -> None:
    check_note_allowed(ACCEPTED)
    check_note_allowed(ON_HOLD)
    with pytest.raises(StepRefused, match="accept the referral first"):
        check_note_allowed(PENDING)
    for finished in (DECLINED, COMPLETED, WITHDRAWN):
        with pytest.raises(StepRefused, match=f"the referral is {finished.value}: no more notes"):
            check_note_allowed(finished)


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
