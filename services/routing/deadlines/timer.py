"""The timer loop: fires due checkpoints from the durable clock rows, on every replica safely."""

from __future__ import annotations

import asyncio
import contextlib
import time

from backbone.clock import is_controlled, utcnow
from backbone.service import ServiceRuntime
from backbone.sla import holidays
from backbone.telemetry import tracer
from services.routing.deadlines.service import fire_due_checkpoints, next_fire_time, recompute_provisional

BATCH = 500
# The loop sleeps until the next checkpoint; a commit of routing's (which may have started or moved a
# clock) wakes it sooner, at most this often, so a burst of commits costs one look.
LOOK_AT_MOST_EVERY_SECONDS = 0.25
# The longest it sleeps: the safety net for clocks another routing replica started (its own timer fires
# them unless it died), and for a calendar file added meanwhile.
MAX_SLEEP_SECONDS = 30.0
# Under a test's controlled clock time moves without a commit: look often.
MAX_SLEEP_CONTROLLED_SECONDS = 0.5
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
    """Fire what is due, then sleep until the next checkpoint or a commit (at most MAX_SLEEP_SECONDS)."""
    spans = tracer(runtime.name)
    # The system loaded the calendar files at start: a year's file may have come while routing was down.
    await refresh_calendar(runtime, reload=False)
    calendar_checked = time.monotonic()
    while True:
        if time.monotonic() - calendar_checked > CALENDAR_CHECK_SECONDS:
            await refresh_calendar(runtime)
            calendar_checked = time.monotonic()
        runtime.committed.clear()
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
            # Due but claimed by another replica (SKIP LOCKED): let it finish before looking again.
            upcoming = None
        longest = MAX_SLEEP_CONTROLLED_SECONDS if is_controlled() else MAX_SLEEP_SECONDS
        wait = longest if upcoming is None else min(max((upcoming - now).total_seconds(), 0.0), longest)
        await _sleep_or_commit(runtime, wait, woken_no_sooner_than=looked + LOOK_AT_MOST_EVERY_SECONDS)


async def _sleep_or_commit(runtime: ServiceRuntime, seconds: float, *, woken_no_sooner_than: float) -> None:
    """Sleep `seconds`, or less if routing commits meanwhile (but not before `woken_no_sooner_than`)."""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(TimeoutError):
        # asyncio.timeout, not wait_for (see OutboxRelay.run).
        async with asyncio.timeout(seconds):
            await runtime.committed.wait()
    early = min(woken_no_sooner_than, deadline) - time.monotonic()
    if early > 0:
        await asyncio.sleep(early)
