"""A receiver down for the whole retry window (more than 24 hours): the delivery is dead-lettered and
listed as failed with the reason, and counted as failed in the metrics; asked for again, it is
delivered under the same webhook-id."""

from datetime import datetime, timedelta

from tests.integration.notifications.notification_support import referral, subscribe
from tests.support.deadline_events import emit
from tests.support.prometheus import scrape, value
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, free_port, receiving


async def test_receiver_down_for_the_window_ends_dead_lettered(notifications_system, fake_clock) -> None:
    system, police = notifications_system
    port = free_port()  # nothing listens there
    subscription = await subscribe(police, f"http://127.0.0.1:{port}/hooks", ["referral.created"])
    queued = fake_clock.now
    await emit(system, "routing", referral("case-d", queued), case_id="case-d")

    async def failed_after_an_hour() -> list[dict]:
        fake_clock.advance(hours=1)
        answer = await police.get("/notifications/v1/deliveries", params={"state": "failed"})
        return answer.json()["items"]

    [failed] = await eventually(failed_after_an_hour, until=lambda f: len(f) == 1, what="dead-lettered")
    assert failed["attempts"] == 8  # the first attempt and the schedule's seven retries
    assert (
        failed["last_error"].startswith("gave up after 8 attempts")
        and "could not connect" in failed["last_error"]
    )
    assert datetime.fromisoformat(failed["failed_at"]) - queued >= timedelta(hours=24)
    assert failed["next_attempt_at"] is None and failed["event_type"] == "referral.created.v1"
    async with system.callers.client("metrics-scraper") as scraper:
        samples = await scrape(scraper, "/notifications/metrics")
    assert value(samples, "notifications_deliveries", agency="police", state="failed") == 1

    # Back at last, the agency asks for it again: same webhook-id, a fresh retry window.
    async with receiving(Receiver(secrets=[subscription["secret"]]), port=port) as receiver:
        again = await police.post(f"/notifications/v1/deliveries/{failed['webhook_id']}/redeliver")
        assert (
            again.status_code == 200 and again.json()["state"] == "pending" and again.json()["attempts"] == 0
        )
        await eventually(lambda: _applied(receiver), until=lambda ids: len(ids) == 1, what="redelivered")
        assert list(receiver.applied) == [failed["webhook_id"]]
    repeat = await police.post(f"/notifications/v1/deliveries/{failed['webhook_id']}/redeliver")
    assert repeat.status_code == 409
    async with system.callers.client("health-system") as health:
        refused = await health.post(f"/notifications/v1/deliveries/{failed['webhook_id']}/redeliver")
        assert refused.status_code == 403


async def _applied(receiver: Receiver) -> list[str]:
    return list(receiver.applied)
