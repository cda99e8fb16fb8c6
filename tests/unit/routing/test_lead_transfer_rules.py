"""What a lead transfer may be asked and answered: an open lead referral to another agency, one at a time."""

import pytest

from services.routing.transfers.decisions import InvalidTransfer, TransferRefused, check_answer, check_request

OPEN = {
    "status": "accepted",
    "role": "lead",
    "from_agency": "police",
    "to_agency": "civil_affairs",
    "pending": False,
}


def test_an_open_lead_referral_may_be_offered() -> None:
    check_request(**OPEN)
    check_request(**OPEN | {"status": "on_hold"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "responsible"}, "only a lead referral"),
        ({"status": "withdrawn"}, "the referral is withdrawn"),
        ({"status": "completed"}, "the referral is completed"),
        ({"pending": True}, "already waiting for an answer"),
    ],
)
def test_refused_requests_say_why(change: dict, message: str) -> None:
    with pytest.raises(TransferRefused, match=message):
        check_request(**OPEN | change)


def test_the_lead_cannot_be_offered_to_itself() -> None:
    with pytest.raises(InvalidTransfer) as invalid:
        check_request(**OPEN | {"to_agency": "police"})
    assert invalid.value.field == "to_agency"


def test_an_answer_needs_a_waiting_transfer_of_an_open_lead() -> None:
    check_answer(status="requested", lead_status="pending")
    with pytest.raises(TransferRefused, match="already accepted"):
        check_answer(status="accepted", lead_status="pending")
    with pytest.raises(TransferRefused, match="the lead referral is declined now"):
        check_answer(status="requested", lead_status="declined")
