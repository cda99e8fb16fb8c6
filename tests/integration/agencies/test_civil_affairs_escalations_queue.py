"""Routing's escalations reach the joint meeting office's queue (联席会议办公室) in civil affairs."""

from datetime import timedelta

from backbone.clock import utcnow
from contracts.events.routing import ReferralEscalated
from tests.integration.agencies.agency_support import RunningAgency, error_fields
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_escalated_referrals_are_queued_oldest_first(civil_affairs: RunningAgency) -> None:
    now = utcnow()
    older = ReferralEscalated(
        referral_id="ref-e1",
        case_id="case-e1",
        agency="education",
        reason="declined twice",
        escalated_at=now - timedelta(hours=1),
    )
    newer = ReferralEscalated(
        referral_id="ref-e2",
        case_id="case-e2",
        agency="police",
        reason="acceptance breached twice",
        escalated_at=now,
    )
    await civil_affairs.feed(newer, older)

    async def queue(params: dict[str, str] | None = None) -> list[dict]:
        return items(await civil_affairs.client.get("/civil_affairs/v1/escalations", params=params))

    escalations = await eventually(queue, until=lambda q: len(q) == 2, what="both escalations queued")
    assert [e["referral_id"] for e in escalations] == ["ref-e1", "ref-e2"]
    assert (escalations[0]["agency"], escalations[0]["reason"]) == ("education", "declined twice")
    assert [e["referral_id"] for e in await queue({"agency": "police"})] == ["ref-e2"]
    # The queue pages like every list: limit and offset.
    assert [e["referral_id"] for e in await queue({"limit": "1"})] == ["ref-e1"]
    assert [e["referral_id"] for e in await queue({"limit": "1", "offset": "1"})] == ["ref-e2"]
    assert await queue({"offset": "2"}) == []
    bad = await civil_affairs.client.get("/civil_affairs/v1/escalations", params={"agency": "army"})
    assert error_fields(bad) == ["agency"]
    # Queuing an escalation is not a civil-affairs act: nothing is emitted.
    assert await civil_affairs.emitted_types() == []
