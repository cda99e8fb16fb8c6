"""Pure rules of a lead transfer: what may be requested, and what may be answered."""

from __future__ import annotations

from services.routing.cases.models import OPEN_REFERRAL_STATUSES, ReferralStatus
from services.routing.transfers.models import TransferStatus


class TransferRefused(Exception):
    """The transfer step is not allowed in the current state: 409, nothing changes."""


class InvalidTransfer(ValueError):
    """The request names something impossible (e.g. the agency that already leads): 422 on the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_request(*, status: str, role: str, from_agency: str, to_agency: str, pending: bool) -> None:
    """TransferRefused or InvalidTransfer unless this open lead referral may be offered to `to_agency`."""
    if role != "lead":
        raise TransferRefused("only a lead referral's task can have its lead transferred")
    if ReferralStatus(status) not in OPEN_REFERRAL_STATUSES:
        raise TransferRefused(f"the referral is {status}: only an open lead referral can be transferred")
    if pending:
        raise TransferRefused("a transfer of this lead is already waiting for an answer")
    if to_agency == from_agency:
        raise InvalidTransfer("to_agency", "must be another agency than the one leading now")


def check_answer(*, status: str, lead_status: str) -> None:
    """TransferRefused unless a requested transfer of a still open lead referral is answered."""
    if status != TransferStatus.REQUESTED:
        raise TransferRefused(f"the transfer is already {status}")
    if ReferralStatus(lead_status) not in OPEN_REFERRAL_STATUSES:
        raise TransferRefused(f"the lead referral is {lead_status} now: the transfer cannot take effect")
