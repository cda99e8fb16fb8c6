"""Pure rules of approvals: what a request needs, and what may still be decided."""

from __future__ import annotations

from contracts.events.civil_affairs import ApprovalKind
from services.agency.errors import InvalidInput, StepRefused
from services.civil_affairs.approvals.models import ApprovalStatus


def check_request(*, kind: ApprovalKind, outcome: str | None, pending: bool) -> None:
    """InvalidInput or StepRefused unless the request may be recorded."""
    if kind is ApprovalKind.CLOSE_CASE and not outcome:
        raise InvalidInput("outcome", "is required to close the case")
    if kind is not ApprovalKind.CLOSE_CASE and outcome:
        raise InvalidInput("outcome", f"is only for {ApprovalKind.CLOSE_CASE.value}")
    if pending:
        raise StepRefused("the same step already waits for a supervisor's decision")


def check_decision(status: str) -> None:
    """StepRefused unless the approval still waits for a decision."""
    if status != ApprovalStatus.REQUESTED:
        raise StepRefused(f"the request is already {status}")
