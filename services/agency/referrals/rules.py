"""The referral state machine, pure: pending -> accepted | declined, accepted -> completed."""

from __future__ import annotations

from enum import StrEnum

from contracts.events.common import Priority
from services.agency.errors import StepRefused


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"


class ReferralAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COMPLETE = "complete"


OPEN_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
_TRANSITIONS = {
    (ReferralStatus.PENDING, ReferralAction.ACCEPT): ReferralStatus.ACCEPTED,
    (ReferralStatus.PENDING, ReferralAction.DECLINE): ReferralStatus.DECLINED,
    (ReferralStatus.ACCEPTED, ReferralAction.COMPLETE): ReferralStatus.COMPLETED,
}
_PAST = {
    ReferralAction.ACCEPT: "accepted",
    ReferralAction.DECLINE: "declined",
    ReferralAction.COMPLETE: "completed",
}


def next_status(current: ReferralStatus, action: ReferralAction) -> ReferralStatus:
    """The status an action leads to, or StepRefused saying why it is illegal now."""
    try:
        return _TRANSITIONS[(current, action)]
    except KeyError:
        raise StepRefused(_refusal(current, action)) from None


def _refusal(current: ReferralStatus, action: ReferralAction) -> str:
    if current is ReferralStatus.PENDING:
        return "accept the referral first: only an accepted referral can be completed"
    if current is ReferralStatus.ACCEPTED:
        if action is ReferralAction.ACCEPT:
            return "the referral is already accepted"
        return "the referral is already accepted: complete it instead of declining it"
    return f"the referral is already {current.value}: it cannot be {_PAST[action]}"


def check_steps_allowed(status: ReferralStatus) -> None:
    """Agency steps need an accepted referral: StepRefused otherwise."""
    if status is ReferralStatus.PENDING:
        raise StepRefused("accept the referral first")
    if status is not ReferralStatus.ACCEPTED:
        raise StepRefused(f"the referral is {status.value}: no further steps can be recorded on it")


def accepts_implicitly(*, priority: Priority, emergency: bool) -> bool:
    """Whether a first-moment step (dispatch, admission) may accept a pending referral on the spot."""
    return emergency or priority is Priority.P1


def more_urgent(new: Priority, current: Priority) -> bool:
    """Whether `new` is a raise over `current` (P1 is the most urgent)."""
    return list(Priority).index(new) < list(Priority).index(current)
