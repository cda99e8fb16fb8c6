"""The joint meeting office lists cases by status, agency and priority, a page at a time."""

from contracts.events.civil_affairs import MonitoringStarted
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report


async def test_case_list_filters_and_paginates(routing: Routing) -> None:
    urgent = await routing.opened(report(new_id("case"), categories=["abuse"], injured=True))  # P1
    dropout = await routing.opened(report(new_id("case"), categories=["dropout"]))  # P3, education
    poverty = await routing.opened(report(new_id("case"), categories=["poverty"]))  # P3, civil affairs only
    assessment = referral_of(poverty, "civil_affairs", "assessment_and_assistance")
    await routing.applied(
        MonitoringStarted(referral_id=assessment["referral_id"], case_id=poverty["case_id"], started_at=NOW),
        publisher="civil_affairs",
    )

    async def listed(**params: str | int) -> list[str]:
        response = await routing.client.get("/routing/v1/cases", params=params)
        assert response.status_code == 200, response.text
        return [c["case_id"] for c in response.json()["items"]]

    everything = [urgent["case_id"], dropout["case_id"], poverty["case_id"]]
    assert await listed() == everything  # most urgent first, then oldest
    assert await listed(priority="P1") == [urgent["case_id"]]
    assert await listed(priority="P3") == [dropout["case_id"], poverty["case_id"]]
    assert await listed(agency="health") == [urgent["case_id"]]
    assert await listed(agency="education") == [urgent["case_id"], dropout["case_id"]]
    assert await listed(agency="civil_affairs") == everything
    assert await listed(status="under_monitoring") == [poverty["case_id"]]
    assert await listed(status="open", priority="P3") == [dropout["case_id"]]
    assert await listed(status="closed") == []
    assert await listed(limit=2) == everything[:2]
    assert await listed(limit=2, offset=2) == everything[2:]

    page = (await routing.client.get("/routing/v1/cases", params={"limit": 1, "priority": "P3"})).json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 0)
    [item] = page["items"]
    assert item["child_display_name"] == "张**"
    assert item["agencies"] == ["education", "civil_affairs"]
    assert item["open_referrals"] == len(dropout["referrals"])
