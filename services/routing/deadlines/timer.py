"""The timer loop: fires due checkpoints from the durable clock rows, on every replica safely."""

from __future__ import annotations

import asyncio
import contextlib
import time

from backbone.clock import is_controlled, utcnow
from backbone.messaging.wakeups import CommitListener
from backbone.service import ServiceRuntime
from backbone.sla import holidays
from backbone.telemetry import tracer
from services.routing.deadlines.service import fire_due_checkpoints, next_fire_time, recompute_provisional

BATCH = 500
# Any change to the clocks, by any process, notifies this channel (migration deadlines_0003), so the loop
# sleeps until the next checkpoint and is woken when a clock starts or moves; at most this often, so a
# burst of changes costs one look.
CLOCKS_CHANGED = "routing_sla_clocks_changed"
LOOK_AT_MOST_EVERY_SECONDS = 0.25
# The longest it sleeps while notifications arrive (a safety net), and while they do not (the listener is
# reconnecting) or a test controls time (time then moves without a change to the clocks).
MAX_SLEEP_SECONDS = 30.0
MAX_SLEEP_UNNOTIFIED_SECONDS = 0.5
# How often the loop looks for a new or changed holiday calendar file.
CALENDAR_CHECK_SECONDS = 60.0


async def refresh_calendar(runtime: ServiceRuntime, *, reload: bool = True, force: bool = False) -> int:
    """Load calendar files added since the last look (all of them when forced) and recompute the clocks
    whose due times waited on them; without `reload`, only recompute (the files were just loaded)."""
    if reload and not await asyncio.to_thread(holidays.refresh, force=force):
        return 0
    async with runtime.unit_of_work() as uow:
        recomputed = await recompute_provisional(uow=uow)
        await uow.commit()
    return recomputed


async def run_deadline_timer(runtime: ServiceRuntime) -> None:
    """Fire what is due, then sleep until the next checkpoint or a change to the clocks."""
    changed = asyncio.Event()
    listener = CommitListener(
        runtime.engine.url.render_as_string(hide_password=False),
        channel=CLOCKS_CHANGED,
        on_notify=lambda _: changed.set(),
    )
    await listener.start()
    try:
        await _fire_forever(runtime, changed, listener)
    finally:
        await listener.stop()


async def _fire_forever(runtime: ServiceRuntime, changed: asyncio.Event, listener: CommitListener) -> None:
    spans = tracer(runtime.name)
    # The system loaded the calendar files at start: a year's file may have come while routing was down.
    await refresh_calendar(runtime, reload=False)
    calendar_checked = time.monotonic()
    while True:
        if time.monotonic() - calendar_checked > CALENDAR_CHECK_SECONDS:
            await refresh_calendar(runtime)
            calendar_checked = time.monotonic()
        changed.clear()
        looked = time.monotonic()
        async with runtime.unit_of_work() as uow:
            upcoming = await next_fire_time(uow=uow)
        now = utcnow()
        if upcoming is not None and upcoming <= now:
            # Only firing is an operation worth a trace; looking for due clocks is not (idle = no trace).
            with spans.start_as_current_span("sla checkpoints fire") as span:
                async with runtime.unit_of_work() as uow:
                    fired = await fire_due_checkpoints(uow=uow, now=now, limit=BATCH)
                    await uow.commit()
                span.set_attribute("sla.checkpoints_fired", fired)
            if fired:
                continue
            # Due but claimed by another replica (SKIP LOCKED): its commit will notify.
            upcoming = None
        notified = listener.listening and not is_controlled()
        longest = MAX_SLEEP_SECONDS if notified else MAX_SLEEP_UNNOTIFIED_SECONDS
        wait = longest if upcoming is None else min(max((upcoming - now).total_seconds(), 0.0), longest)
        await _sleep_until_changed(changed, wait, no_sooner_than=looked + LOOK_AT_MOST_EVERY_SECONDS)


async def _sleep_until_changed(changed: asyncio.Event, seconds: float, *, no_sooner_than: float) -> None:
    """Sleep `seconds`, or less if the clocks change meanwhile (but not before `no_sooner_than`)."""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(TimeoutError):
        # asyncio.timeout, not wait_for (see OutboxRelay.run).
        async with asyncio.timeout(seconds):
            await changed.wait()
    early = min(no_sooner_than, deadline) - time.monotonic()
    if early > 0:
        await asyncio.sleep(early)
