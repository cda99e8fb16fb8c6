"""The durable delivery worker: POSTs due deliveries, in order per case and subscription, on every
replica safely.

A delivery is claimed with `FOR UPDATE SKIP LOCKED` and its row stays locked while it is sent, so two
workers (or replicas) never send the same one and a case's next delivery is not due while an earlier
one is pending: it waits for it. An attempt that dies with the process leaves the row pending and
unchanged, so it is sent again (at least once; the receiver drops the repeat by `webhook-id`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable
from datetime import UTC, datetime

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.clock import utcnow
from backbone.messaging.wakeups import ChangeWaiter
from backbone.sealing import KeyRing, SealingError
from backbone.service import ServiceRuntime
from backbone.telemetry import tracer
from services.notifications.deliveries.schedule import RetrySchedule, parse_schedule
from services.notifications.deliveries.signing import signed_headers
from services.notifications.models import Delivery, DeliveryState, Subscription, SubscriptionState
from services.notifications.secrets import secret_ring
from services.notifications.subscriptions.service import signing_secrets
from services.notifications.subscriptions.targets import TargetRefused, TargetRules, check_target

log = logging.getLogger(__name__)
_DUE = text(
    "SELECT d.id FROM notification_deliveries d "
    "JOIN notification_subscriptions s ON s.id = d.subscription_id "
    "WHERE d.state = 'pending' AND d.next_attempt_at <= :now AND s.state = :active "
    "AND NOT EXISTS (SELECT 1 FROM notification_deliveries e WHERE e.subscription_id = d.subscription_id "
    "AND e.case_id = d.case_id AND e.state = 'pending' AND e.id < d.id) "
    "ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED"
)


_NEXT_DUE = text(
    "SELECT min(d.next_attempt_at) FROM notification_deliveries d "
    "JOIN notification_subscriptions s ON s.id = d.subscription_id "
    "WHERE d.state = 'pending' AND s.state = :active"
)
# Deliveries and subscriptions notify this channel when they change (migration notifications_0002).
DELIVERIES_CHANGED = "notification_deliveries_changed"


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending delivery of an active subscription is due; None when none is pending."""
    return await session.scalar(_NEXT_DUE, {"active": SubscriptionState.ACTIVE.value})


async def claim_due(session: AsyncSession, *, now: datetime) -> Delivery | None:
    """The next due delivery no earlier one of its case waits before, locked; None when none is."""
    delivery_id = await session.scalar(_DUE, {"now": now, "active": SubscriptionState.ACTIVE.value})
    return None if delivery_id is None else await session.get(Delivery, delivery_id)


async def attempt(
    http: httpx.AsyncClient, *, url: str, headers: dict[str, str], body: str
) -> tuple[int | None, str | None]:
    """POST once: (status code, None) on a 2xx, else (status code or None, why it failed)."""
    try:
        response = await http.post(url, content=body.encode(), headers=headers)
    except httpx.TimeoutException:
        return None, "timed out"
    except httpx.HTTPError as error:
        return None, f"could not connect: {type(error).__name__}"
    if 200 <= response.status_code < 300:
        return response.status_code, None
    if 300 <= response.status_code < 400:
        return response.status_code, f"HTTP {response.status_code}: redirects are not followed"
    # The receiver's body is never kept: it may echo anything.
    return response.status_code, f"HTTP {response.status_code}"


def record_outcome(
    delivery: Delivery, *, status: int | None, error: str | None, now: datetime, schedule: RetrySchedule
) -> None:
    """Delivered, retried later on the schedule, or dead-lettered with the reason."""
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status
    delivery.last_error = error
    if error is None:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
        return
    next_at = schedule.after_failure(
        attempts=delivery.attempts, queued_at=delivery.retry_from, now=now, draw=random.random()
    )
    if next_at is None:
        delivery.state = DeliveryState.FAILED
        delivery.failed_at = now
        delivery.last_error = f"gave up after {delivery.attempts} attempts over the retry window: {error}"
    else:
        delivery.next_attempt_at = next_at


async def _send(
    http: httpx.AsyncClient,
    delivery: Delivery,
    subscription: Subscription,
    *,
    rules: TargetRules,
    ring: KeyRing,
) -> tuple[int | None, str | None]:
    """Check the target again (a name may resolve elsewhere by now), sign, and POST once."""
    try:
        await check_target(subscription.url, rules)
        secrets = signing_secrets(ring, subscription)
    except TargetRefused as refused:
        return None, f"target refused: {refused}"
    except SealingError as broken:
        return None, f"could not sign: {type(broken).__name__}"
    # The signature's timestamp is the wall clock's, not the domain clock's: receivers check it
    # against their own clocks to refuse replays.
    headers = signed_headers(
        webhook_id=delivery.webhook_id, body=delivery.body, secrets=secrets, sent_at=datetime.now(UTC)
    )
    return await attempt(http, url=subscription.url, headers=headers, body=delivery.body)


async def deliver_next(
    runtime: ServiceRuntime, http: httpx.AsyncClient, *, schedule: RetrySchedule, rules: TargetRules
) -> bool:
    """Send one due delivery and record how it went; False when nothing is due."""
    assert runtime.settings is not None
    async with runtime.sessionmaker() as session:
        delivery = await claim_due(session, now=utcnow())
        if delivery is None:
            await session.rollback()
            return False
        with tracer(runtime.name).start_as_current_span(
            "webhook deliver", attributes={"case.id": delivery.case_id, "webhook.id": delivery.webhook_id}
        ) as span:
            subscription = await session.get(Subscription, delivery.subscription_id)
            assert subscription is not None
            status, error = await _send(
                http, delivery, subscription, rules=rules, ring=secret_ring(runtime.settings)
            )
            record_outcome(delivery, status=status, error=error, now=utcnow(), schedule=schedule)
            span.set_attribute("webhook.state", delivery.state)
            if delivery.state == DeliveryState.FAILED:
                log.warning(
                    "webhook delivery dead-lettered",
                    extra={"webhook_id": delivery.webhook_id, "subscription_id": delivery.subscription_id},
                )
            await session.commit()
    return True


async def run_delivery_worker(runtime: ServiceRuntime) -> None:
    """Send due deliveries (WEBHOOK_CONCURRENCY at once); idle, sleep until the next is due or one is
    added (at most WEBHOOK_POLL_SECONDS)."""
    settings = runtime.settings
    assert settings is not None
    schedule = RetrySchedule(
        parse_schedule(settings.webhook_retry_schedule), jitter=settings.webhook_retry_jitter
    )
    rules = TargetRules.from_settings(settings)
    timeout = httpx.Timeout(settings.webhook_timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as http:

        def send() -> Awaitable[bool]:
            return deliver_next(runtime, http, schedule=schedule, rules=rules)

        database_url = runtime.engine.url.render_as_string(hide_password=False)
        waiter = ChangeWaiter(
            database_url,
            channel=DELIVERIES_CHANGED,
            longest_sleep=settings.webhook_poll_seconds,
            unnotified_sleep=min(0.5, settings.webhook_poll_seconds),
        )
        async with waiter:
            while True:
                waiter.looking()
                if await send():
                    # With work due, up to WEBHOOK_CONCURRENCY sends at once.
                    while any(await asyncio.gather(*(send() for _ in range(settings.webhook_concurrency)))):
                        pass
                    continue
                async with runtime.sessionmaker() as session:
                    due = await next_due(session)
                await waiter.sleep(None if due is None else (due - utcnow()).total_seconds())
