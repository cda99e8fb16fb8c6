"""A receiver failing three times, then recovering, gets every event addressed to its agency in its
district (another district's police system gets none of them), each applied once (by webhook-id), in
order per case, with valid Standard Webhooks signatures."""

from tests.integration.notifications.notification_support import emit_case_story, referral, subscribe
from tests.support.deadline_events import emit
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving


async def test_recovering_receiver_gets_everything_once_in_order(notifications_system, fake_clock) -> None:
    system, police = notifications_system
    async with receiving(Receiver(failures=3)) as receiver:
        subscription = await subscribe(
            police, receiver.url, ["referral.created", "case.priority_raised", "sla.warning", "sla.breached"]
        )
        assert subscription["secret"].startswith("whsec_") and subscription["state"] == "active"
        receiver.secrets.append(subscription["secret"])
        async with system.callers.client("police-dispatch-370703") as next_door:  # another district's police
            await subscribe(next_door, f"{receiver.url}/next-door", ["referral.created", "sla.breached"])
        expected = {
            case: await emit_case_story(system, case, fake_clock.now) for case in ("case-a", "case-b")
        }
        # Not for the police: health's referral is not delivered to this subscription.
        await emit(system, "routing", referral("case-h", fake_clock.now, agency="health"), case_id="case-h")

        async def applied_after_an_hour() -> int:
            # Backoff waits 5s, 5m, 30m, ...: each look moves the clock on an hour.
            fake_clock.advance(hours=1)
            return len(receiver.applied)

        await eventually(applied_after_an_hour, until=lambda n: n == 8, what="all eight events applied")

    assert receiver.requests >= 8 + 3 and receiver.refused_signatures == 0
    assert receiver.per_case() == expected
    assert set(receiver.ids) == set(receiver.applied)  # the failed attempts' retries carried the same ids
    deliveries = (await police.get("/notifications/v1/deliveries", params={"limit": 100})).json()
    assert deliveries["total"] == 8 and {d["state"] for d in deliveries["items"]} == {"delivered"}
    assert sorted(d["webhook_id"] for d in deliveries["items"]) == sorted(receiver.applied)
    assert sum(d["attempts"] for d in deliveries["items"]) == 8 + 3
    async with system.callers.client("police-dispatch-370703") as next_door:  # none of its district's cases
        assert (await next_door.get("/notifications/v1/deliveries")).json()["total"] == 0
