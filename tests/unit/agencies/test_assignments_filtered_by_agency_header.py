"""An assignment (`referrals.assigned`) is addressed to one agency: the other agencies drop it from its
`ce_agency` header before parsing, except civil affairs, which watches every agency's referrals of a case."""

from contracts.events.common import Agency
from services.agency.referrals import addressed_by_headers
from services.civil_affairs.service import definition as civil_affairs
from services.police.service import definition as police


def test_another_agencys_assignment_is_dropped_and_its_own_kept() -> None:
    for agency in Agency:
        accepts = addressed_by_headers(agency)
        assert accepts("referrals.assigned.v1", agency.value)
        assert not accepts("referrals.assigned.v1", "health" if agency != Agency.HEALTH else "police")
        assert accepts("referrals.assigned.v1", None)  # decided once parsed
    assert police.accepts_headers is not None and not police.accepts_headers(
        "referrals.assigned.v1", "health"
    )


def test_civil_affairs_keeps_every_agencys_assignments() -> None:
    # No header filter at all: every agency's assignments and escalations reach it.
    assert civil_affairs.accepts_headers is None
    assert {"referrals.assigned", "referral.created"} <= civil_affairs.handlers.keys()
    assert "referrals.assigned" in police.handlers
