"""Pure rules of the lifecycle: which referral may be withdrawn, and by whom."""

from __future__ import annotations

from services.routing.cases.models import OPEN_REFERRAL_STATUSES, ReferralStatus

# The access grant (contracts/policies/access.v1.json) that lets supervision withdraw a lead referral.
WITHDRAW_LEAD_REFERRAL = "withdraw_lead_referral"


class WithdrawalRefused(Exception):
    """The referral cannot be withdrawn in its current state or by this caller: 409, nothing changes."""


def check_withdrawal(*, status: str, role: str, may_withdraw_lead: bool) -> None:
    """WithdrawalRefused unless an open referral may be withdrawn by this caller.

    A task's lead agency withdraws the responsible agencies' referrals of its task; a lead referral
    itself is withdrawn only by supervision (the joint meeting office, an agency's supervisor).
    """
    if ReferralStatus(status) not in OPEN_REFERRAL_STATUSES:
        raise WithdrawalRefused(f"the referral is already {status}: only an open referral can be withdrawn")
    if role == "lead" and not may_withdraw_lead:
        raise WithdrawalRefused("a lead referral is withdrawn only by a supervisor")
