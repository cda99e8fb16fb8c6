"""Admission control: with as many reports in flight as intake admits (`HTTP_MAX_IN_FLIGHT`), a burst is
answered 503 with `Retry-After` at once, while the admitted reports are still held, and those then
complete with 202. Probes are not counted: readiness answers during the burst."""

from __future__ import annotations

import asyncio

from tests.integration.intake.intake_api import Intake
from tests.integration.intake.overload import report_of_child, reports_held
from tests.support.system import running_system
from tests.support.waiting import eventually

BOUND = 2


async def test_a_burst_beyond_the_bound_is_refused_at_once_while_admitted_reports_complete(
    fresh_database_url: str,
) -> None:
    async with running_system(
        fresh_database_url, ["intake"], HTTP_MAX_IN_FLIGHT=BOUND, HTTP_ADMISSION_WAIT_SECONDS=0
    ) as (system, client):
        intake = Intake(system, client)
        async with reports_held(fresh_database_url) as waiting:
            admitted = [asyncio.create_task(intake.submit(report_of_child(n))) for n in range(BOUND)]
            await eventually(waiting, until=lambda n: n == BOUND, what="the admitted reports held in flight")

            burst = await asyncio.gather(*(intake.submit(report_of_child(10 + n)) for n in range(5)))

            assert [r.status_code for r in burst] == [503] * 5, [r.text for r in burst]
            for refused in burst:
                assert int(refused.headers["Retry-After"]) >= 1
                assert [p["type"] for p in refused.json()["detail"]] == ["overloaded"]
            assert not any(task.done() for task in admitted), "refused without waiting for the admitted"
            assert (await client.get("/intake/readyz")).status_code == 200
        answers = await asyncio.gather(*admitted)
        assert [a.status_code for a in answers] == [202] * BOUND, [a.text for a in answers]
        assert await intake.scalar("SELECT count(*) FROM reports") == BOUND
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
