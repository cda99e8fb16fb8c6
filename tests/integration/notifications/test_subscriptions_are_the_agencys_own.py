"""An agency sees and manages only its own subscriptions (those of its systems' districts); bad
targets and event types are refused with a specific 422 that does not echo what was sent, and change
nothing."""

from tests.integration.notifications.notification_support import subscribe
from tests.support.paging import items
from tests.support.webhook_receiver import free_port


async def test_only_the_owner_sees_and_manages_a_subscription(notifications_system) -> None:
    system, police = notifications_system
    url = f"http://127.0.0.1:{free_port()}/hooks"
    subscription = await subscribe(police, url, ["referral.created", "sla.breached"])
    assert subscription["agency"] == "police" and subscription["event_types"] == [
        "referral.created",
        "sla.breached",
    ]
    base = f"/notifications/v1/subscriptions/{subscription['id']}"

    listed = (await police.get("/notifications/v1/subscriptions")).json()
    assert listed["total"] == 1 and listed["limit"] == 50 and listed["offset"] == 0
    assert [s["id"] for s in listed["items"]] == [subscription["id"]] and "secret" not in listed["items"][0]

    async with system.callers.client("health-system") as health:
        assert (await health.get("/notifications/v1/subscriptions")).json()["total"] == 0
        assert (await health.get(base)).status_code == 403
        assert (await health.post(f"{base}/pause")).status_code == 403
        assert (await health.post(f"{base}/rotate-secret")).status_code == 403
        assert (await health.get("/notifications/v1/deliveries")).json()["total"] == 0
    async with system.callers.client("police-dispatch-370703") as other_district:  # the police next door
        assert (await other_district.get("/notifications/v1/subscriptions")).json()["total"] == 0
        assert (await other_district.get(base)).status_code == 403
    async with system.callers.client("hotline-12355") as hotline:  # no agency system that is told
        assert (await hotline.get("/notifications/v1/subscriptions")).status_code == 403
    assert (await police.get("/notifications/v1/subscriptions/no-such-id")).status_code == 404
    assert (await police.get(base)).json()["state"] == "active"

    types = items(await police.get("/notifications/v1/event-types"))
    assert {"referral.created", "case.priority_raised", "sla.escalated"} <= {t["type"] for t in types}


async def test_bad_targets_and_event_types_are_refused_by_name(notifications_system) -> None:
    _, police = notifications_system
    cases = [
        ({"url": "http://agency.example.gov.cn/hooks", "event_types": ["referral.created"]}, ["body", "url"]),
        ({"url": "https://10.20.30.40/hooks", "event_types": ["referral.created"]}, ["body", "url"]),
        ({"url": "https://169.254.169.254/x", "event_types": ["referral.created"]}, ["body", "url"]),
        (
            {"url": "https://8.8.8.8/hooks", "event_types": ["referral.created", "report.received"]},
            ["body", "event_types", 1],
        ),
        ({"url": "https://8.8.8.8/hooks", "event_types": []}, ["body", "event_types"]),
        (
            {"url": "https://8.8.8.8/hooks", "event_types": ["referral.created"], "secret": "x"},
            ["body", "secret"],
        ),
    ]
    for body, loc in cases:
        answer = await police.post("/notifications/v1/subscriptions", json=body)
        assert answer.status_code == 422, body
        [problem] = answer.json()["detail"]
        assert problem["loc"] == loc and set(problem) == {"loc", "msg", "type"}
        assert body["url"].split("/")[2] not in answer.text
    assert (await police.get("/notifications/v1/subscriptions")).json()["total"] == 0
