"""Who may withdraw a referral: a task's lead withdraws responsible ones, supervision any open one."""

import pytest

from services.routing.lifecycle.decisions import WithdrawalRefused, check_withdrawal


@pytest.mark.parametrize("status", ["pending", "accepted", "on_hold"])
def test_the_lead_withdraws_an_open_responsible_referral(status: str) -> None:
    check_withdrawal(status=status, role="responsible", may_withdraw_lead=False)


def test_a_lead_referral_needs_a_supervisor() -> None:
    with pytest.raises(WithdrawalRefused, match="only by a supervisor"):
        check_withdrawal(status="accepted", role="lead", may_withdraw_lead=False)
    check_withdrawal(status="accepted", role="lead", may_withdraw_lead=True)


@pytest.mark.parametrize("status", ["declined", "completed", "withdrawn"])
def test_a_closed_referral_is_not_withdrawn(status: str) -> None:
    with pytest.raises(WithdrawalRefused, match=f"already {status}"):
        check_withdrawal(status=status, role="responsible", may_withdraw_lead=True)
