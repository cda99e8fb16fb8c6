"""An agency pauses a subscription (deliveries wait, in order), resumes it (they go out), and rotates
its secret: for the grace period a receiver holding either the old or the new secret verifies."""

from tests.integration.notifications.notification_support import referral, subscribe
from tests.support.deadline_events import emit
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving


async def test_pause_resume_and_rotate(notifications_system, fake_clock) -> None:
    system, police = notifications_system
    async with receiving(Receiver()) as receiver:
        subscription = await subscribe(police, receiver.url, ["referral.created"])
        old = subscription["secret"]
        receiver.secrets[:] = [old]
        base = f"/notifications/v1/subscriptions/{subscription['id']}"

        paused = await police.post(f"{base}/pause")
        assert paused.status_code == 200 and paused.json()["state"] == "paused"
        again = await police.post(f"{base}/pause")
        assert again.status_code == 409 and again.json() == {"detail": "the subscription is already paused"}

        await emit(system, "routing", referral("case-p", fake_clock.now), case_id="case-p")

        async def pending() -> list[dict]:
            answer = await police.get("/notifications/v1/deliveries", params={"state": "pending"})
            return answer.json()["items"]

        [waiting] = await eventually(pending, until=lambda p: len(p) == 1, what="a delivery waiting")
        assert waiting["attempts"] == 0 and receiver.requests == 0

        resumed = await police.post(f"{base}/resume")
        assert resumed.status_code == 200 and resumed.json()["state"] == "active"
        await eventually(lambda: _count(receiver), until=lambda n: n == 1, what="delivered after resume")
        assert next(iter(receiver.applied)) == waiting["webhook_id"]

        rotated = await police.post(f"{base}/rotate-secret")
        assert rotated.status_code == 200 and rotated.headers["cache-control"] == "no-store"
        new = rotated.json()["secret"]
        assert new.startswith("whsec_") and new != old and rotated.json()["previous_secret_expires_at"]
        shown = (await police.get(base)).json()
        assert "secret" not in shown and shown["previous_secret_expires_at"]

        receiver.secrets[:] = [old]  # a receiver not yet switched over
        await emit(system, "routing", referral("case-q", fake_clock.now), case_id="case-q")
        await eventually(
            lambda: _count(receiver), until=lambda n: n == 2, what="verified with the old secret"
        )
        receiver.secrets[:] = [new]  # and one that has
        await emit(system, "routing", referral("case-r", fake_clock.now), case_id="case-r")
        await eventually(
            lambda: _count(receiver), until=lambda n: n == 3, what="verified with the new secret"
        )
        assert receiver.refused_signatures == 0


async def _count(receiver: Receiver) -> int:
    return len(receiver.applied)
