"""The timer loop: fires due checkpoints from the durable clock rows, on every replica safely."""

from __future__ import annotations

import asyncio

from backbone.clock import utcnow
from backbone.service import ServiceRuntime
from backbone.telemetry import tracer
from services.routing.deadlines.service import fire_due_checkpoints, next_fire_time

BATCH = 500
# The longest the loop sleeps: a clock started while it sleeps is noticed within this time.
MAX_SLEEP_SECONDS = 0.5


async def run_deadline_timer(runtime: ServiceRuntime) -> None:
    """Fire what is due, then sleep until the next checkpoint (at most MAX_SLEEP_SECONDS)."""
    spans = tracer(runtime.name)
    while True:
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
        wait = MAX_SLEEP_SECONDS if upcoming is None else (upcoming - now).total_seconds()
        await asyncio.sleep(min(max(wait, 0.0), MAX_SLEEP_SECONDS))
