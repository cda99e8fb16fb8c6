"""A receiver down for the whole retry window (more than 24 hours): the delivery is dead-lettered and
listed as failed with the reason, and counted as failed in the metrics."""

from datetime import datetime, timedelta

from tests.integration.notifications.notification_support import referral, subscribe
from tests.support.deadline_events import emit
from tests.support.prometheus import scrape, value
from tests.support.waiting import eventually
from tests.support.webhook_receiver import free_port


async def test_receiver_down_for_the_window_ends_dead_lettered(notifications_system, fake_clock) -> None:
    system, police = notifications_system
    nobody = f"http://127.0.0.1:{free_port()}/hooks"  # nothing listens there
    await subscribe(police, nobody, ["referral.created"])
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
