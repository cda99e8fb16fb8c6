"""An agency system pages through its inbox and polls for what arrived since its last look."""

from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.paging import items, page_of


async def test_inbox_is_paged_and_polled_by_arrival(health: RunningAgency) -> None:
    referrals = [referral_created("health", task="medical_protection", priority="P2") for _ in range(5)]
    for referral in referrals:
        await health.receive(referral)

    everything = items(await health.client.get("/health/v1/referrals", params={"status": "pending"}))
    assert len(everything) == 5
    first_page = page_of(await health.client.get("/health/v1/referrals", params={"limit": 2}))
    assert (first_page["total"], first_page["limit"], first_page["offset"]) == (5, 2, 0)
    first = first_page["items"]
    rest = items(await health.client.get("/health/v1/referrals", params={"limit": 2, "offset": 2}))
    last = items(await health.client.get("/health/v1/referrals", params={"limit": 2, "offset": 4}))
    assert [r["referral_id"] for r in first + rest + last] == [r["referral_id"] for r in everything]

    since = everything[2]["received_at"]
    newer = items(await health.client.get("/health/v1/referrals", params={"received_after": since}))
    assert [r["referral_id"] for r in newer] == [r["referral_id"] for r in everything[3:]]

    bad = await health.client.get("/health/v1/referrals", params={"limit": 0, "received_after": "yesterday"})
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} == {
        ("query", "limit"),
        ("query", "received_after"),
    }
