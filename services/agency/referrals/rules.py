"""The referral state machine, pure (after HL7 FHIR Task's states).

pending -> accepted | declined, accepted -> completed | on_hold, on_hold -> accepted (resumed);
routing may withdraw (cancel) any open referral: pending, accepted or on_hold -> withdrawn.
"""

from __future__ import annotations

from enum import StrEnum

from contracts.events.common import Priority
from services.agency.errors import StepRefused


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"


class ReferralAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COMPLETE = "complete"
    HOLD = "hold"
    RESUME = "resume"
    WITHDRAW = "withdraw"


OPEN_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.ON_HOLD)
_TRANSITIONS = {
    (ReferralStatus.PENDING, ReferralAction.ACCEPT): ReferralStatus.ACCEPTED,
    (ReferralStatus.PENDING, ReferralAction.DECLINE): ReferralStatus.DECLINED,
    (ReferralStatus.ACCEPTED, ReferralAction.COMPLETE): ReferralStatus.COMPLETED,
    (ReferralStatus.ACCEPTED, ReferralAction.HOLD): ReferralStatus.ON_HOLD,
    (ReferralStatus.ON_HOLD, ReferralAction.RESUME): ReferralStatus.ACCEPTED,
    **{(status, ReferralAction.WITHDRAW): ReferralStatus.WITHDRAWN for status in OPEN_STATUSES},
}
_PAST = {
    ReferralAction.ACCEPT: "accepted",
    ReferralAction.DECLINE: "declined",
    ReferralAction.COMPLETE: "completed",
    ReferralAction.HOLD: "put on hold",
    ReferralAction.RESUME: "resumed",
    ReferralAction.WITHDRAW: "withdrawn",
}


def next_status(current: ReferralStatus, action: ReferralAction) -> ReferralStatus:
    """The status an action leads to, or StepRefused saying why it is illegal now."""
    try:
        return _TRANSITIONS[(current, action)]
    except KeyError:
        raise StepRefused(_refusal(current, action)) from None


def _refusal(current: ReferralStatus, action: ReferralAction) -> str:
    if action is ReferralAction.RESUME:
        return f"the referral is {current.value}, not on hold: there is nothing to resume"
    if current is ReferralStatus.PENDING:
        return f"accept the referral first: only an accepted referral can be {_PAST[action]}"
    if current is ReferralStatus.ACCEPTED:
        if action is ReferralAction.ACCEPT:
            return "the referral is already accepted"
        return "the referral is already accepted: complete it instead of declining it"
    if current is ReferralStatus.ON_HOLD:
        return f"the referral is on hold: resume it before it can be {_PAST[action]}"
    return f"the referral is already {current.value}: it cannot be {_PAST[action]}"


def check_steps_allowed(status: ReferralStatus) -> None:
    """Agency steps need an accepted referral: StepRefused otherwise."""
    if status is ReferralStatus.PENDING:
        raise StepRefused("accept the referral first")
    if status is ReferralStatus.ON_HOLD:
        raise StepRefused("the referral is on hold: resume it first")
    if status is not ReferralStatus.ACCEPTED:
        raise StepRefused(f"the referral is {status.value}: no further steps can be recorded on it")


def check_note_allowed(status: ReferralStatus) -> None:
    """Progress notes go on a referral being worked on (accepted or on hold): StepRefused otherwise."""
    if status is ReferralStatus.PENDING:
        raise StepRefused("accept the referral first: progress notes are for work under way")
    if status not in (ReferralStatus.ACCEPTED, ReferralStatus.ON_HOLD):
        raise StepRefused(f"the referral is {status.value}: no more notes can be posted on it")


def accepts_implicitly(*, priority: Priority, emergency: bool) -> bool:
    """Whether a first-moment step (dispatch, admission) may accept a pending referral on the spot."""
    return emergency or priority is Priority.P1


def more_urgent(new: Priority, current: Priority) -> bool:
    """Whether `new` is a raise over `current` (P1 is the most urgent)."""
    return list(Priority).index(new) < list(Priority).index(current)
