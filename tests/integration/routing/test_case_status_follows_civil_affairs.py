"""The case moves open -> under_monitoring -> closed on civil affairs' events, and never back."""

from contracts.events.civil_affairs import CaseClosed, MonitoringStarted
from tests.integration.routing.routing_support import (
    NOW,
    Routing,
    entries,
    new_id,
    referral_of,
    report,
    types,
)


async def test_case_goes_under_monitoring_then_closed(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["left_behind"]))
    referral_id = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
    assert case["status"] == "open"

    case = await routing.applied(
        MonitoringStarted(referral_id=referral_id, case_id=case_id, started_at=NOW), publisher="civil_affairs"
    )
    assert case["status"] == "under_monitoring"

    closed = CaseClosed(
        referral_id=referral_id, case_id=case_id, outcome="child safe with grandparents", closed_at=NOW
    )
    case = await routing.applied(closed, publisher="civil_affairs")
    assert case["status"] == "closed"

    case = await routing.applied(
        MonitoringStarted(referral_id=referral_id, case_id=case_id, started_at=NOW), publisher="civil_affairs"
    )
    assert case["status"] == "closed"
    assert types(case)[-3:] == [
        "civil_affairs.monitoring_started.v1",
        "civil_affairs.case_closed.v1",
        "civil_affairs.monitoring_started.v1",
    ]
    assert "grandparents" not in entries(case)[-2]["summary"]
