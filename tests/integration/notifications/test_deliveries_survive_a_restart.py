"""Deliveries are PostgreSQL rows: a delivery whose receiver failed before the service stopped is sent
by the restarted service, under the same webhook-id."""

from pathlib import Path

from backbone.system import System
from services.notifications.service import definition as notifications
from tests.integration.notifications.notification_support import (
    notifications_settings,
    referral,
    routing,
    subscribe,
)
from tests.support.deadline_events import emit
from tests.support.system import serving
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving


async def test_a_pending_delivery_is_sent_after_a_restart(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path: Path
) -> None:
    settings = notifications_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    async with receiving(Receiver(failures=1_000_000)) as receiver:
        first = System(settings, [notifications, routing])
        await first.start()
        try:
            async with serving(first), first.callers.client("police-dispatch") as police:
                subscription = await subscribe(police, receiver.url, ["referral.created"])
                receiver.secrets.append(subscription["secret"])
                await emit(first, "routing", referral("case-s", fake_clock.now), case_id="case-s")

                async def attempts() -> list[int]:
                    answer = await police.get("/notifications/v1/deliveries")
                    return [d["attempts"] for d in answer.json()["items"]]

                await eventually(attempts, until=lambda a: a == [1], what="a failed attempt recorded")
        finally:
            await first.stop()
        receiver.failures = 0  # the receiver is back while the service is down

        second = System(settings, [notifications, routing])
        await second.start()
        try:
            async with serving(second), second.callers.client("police-dispatch") as police:

                async def applied_after_an_hour() -> int:
                    fake_clock.advance(hours=1)
                    return len(receiver.applied)

                await eventually(applied_after_an_hour, until=lambda n: n == 1, what="sent after the restart")
                [delivery] = (await police.get("/notifications/v1/deliveries")).json()["items"]
        finally:
            await second.stop()
    assert delivery["state"] == "delivered" and delivery["attempts"] >= 2
    assert set(receiver.ids) == {delivery["webhook_id"]}
