"""The timer loop: fires due checkpoints from the durable clock rows, on every replica safely."""

from __future__ import annotations

import asyncio
import time

from backbone.clock import utcnow
from backbone.messaging.wakeups import ChangeWaiter
from backbone.service import ServiceRuntime
from backbone.telemetry import tracer
from services.routing.deadlines.service import fire_due_checkpoints, next_fire_time, recompute_provisional
from sla import holidays

BATCH = 500
# Any change to the clocks, by any process, notifies this channel (migration deadlines_0003), so the loop
# sleeps until the next checkpoint and is woken when a clock starts or moves.
CLOCKS_CHANGED = "routing_sla_clocks_changed"
# The longest it sleeps while it is told of changes: a safety net.
MAX_SLEEP_SECONDS = 30.0
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
    spans = tracer(runtime.name)
    # The system loaded the calendar files at start: a year's file may have come while routing was down.
    await refresh_calendar(runtime, reload=False)
    calendar_checked = time.monotonic()
    database_url = runtime.engine.url.render_as_string(hide_password=False)
    async with ChangeWaiter(database_url, channel=CLOCKS_CHANGED, longest_sleep=MAX_SLEEP_SECONDS) as waiter:
        while True:
            if time.monotonic() - calendar_checked > CALENDAR_CHECK_SECONDS:
                await refresh_calendar(runtime)
                calendar_checked = time.monotonic()
            waiter.looking()
            async with runtime.unit_of_work() as uow:
                upcoming = await next_fire_time(uow=uow)
            now = utcnow()
            if upcoming is not None and upcoming <= now:
                # Only firing is an operation worth a trace; looking for due clocks is not (idle: no trace).
                with spans.start_as_current_span("sla checkpoints fire") as span:
                    async with runtime.unit_of_work() as uow:
                        fired = await fire_due_checkpoints(uow=uow, now=now, limit=BATCH)
                        await uow.commit()
                    span.set_attribute("sla.checkpoints_fired", fired)
                if fired:
                    continue
                # Due but claimed by another replica (SKIP LOCKED): its commit will notify.
                upcoming = None
            await waiter.sleep(None if upcoming is None else (upcoming - now).total_seconds())
