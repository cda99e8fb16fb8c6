"""Two delivery workers on one database (as two replicas run them) send every delivery once, each
case's in order: claims are `FOR UPDATE SKIP LOCKED`, and a case's next delivery waits for its last."""

import asyncio
import contextlib

from services.notifications.deliveries.worker import run_delivery_worker
from tests.integration.notifications.notification_support import emit_case_story, subscribe
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving

CASES = [f"case-{n}" for n in range(6)]


async def test_a_second_worker_sends_nothing_twice(notifications_system, fake_clock) -> None:
    system, police = notifications_system
    replica = asyncio.create_task(run_delivery_worker(system.runtime("notifications")))
    try:
        async with receiving(Receiver()) as receiver:
            subscription = await subscribe(
                police,
                receiver.url,
                ["referral.created", "case.priority_raised", "sla.warning", "sla.breached"],
            )
            receiver.secrets.append(subscription["secret"])
            expected = {case: await emit_case_story(system, case, fake_clock.now) for case in CASES}
            await eventually(
                lambda: _applied(receiver), until=lambda n: n == 4 * len(CASES), what="all applied"
            )
    finally:
        replica.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await replica
    assert receiver.requests == 4 * len(CASES) and receiver.duplicates == 0
    assert receiver.per_case() == expected


async def _applied(receiver: Receiver) -> int:
    return len(receiver.applied)
