"""What an approval request needs (closing names its outcome) and that a decision is taken once."""

import pytest

from contracts.events.civil_affairs import ApprovalKind
from services.agency.errors import InvalidInput, StepRefused
from services.civil_affairs.approvals.rules import check_decision, check_request


def test_closing_names_the_outcome_and_only_closing_does() -> None:
    check_request(kind=ApprovalKind.CLOSE_CASE, outcome="child safe", pending=False)
    check_request(kind=ApprovalKind.COURT_REVOCATION_APPLICATION, outcome=None, pending=False)
    with pytest.raises(InvalidInput) as missing:
        check_request(kind=ApprovalKind.CLOSE_CASE, outcome=None, pending=False)
    assert missing.value.field == "outcome"
    with pytest.raises(InvalidInput):
        check_request(kind=ApprovalKind.COURT_REVOCATION_APPLICATION, outcome="x", pending=False)


def test_one_request_of_a_kind_waits_at_a_time() -> None:
    with pytest.raises(StepRefused, match="already waits"):
        check_request(kind=ApprovalKind.CLOSE_CASE, outcome="safe", pending=True)


@pytest.mark.parametrize("status", ["approved", "rejected"])
def test_a_decided_request_is_not_decided_again(status: str) -> None:
    check_decision("requested")
    with pytest.raises(StepRefused, match=f"already {status}"):
        check_decision(status)
