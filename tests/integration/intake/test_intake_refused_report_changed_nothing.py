"""A report refused for overload (503) changed nothing: no child file, case, report, idempotency key,
event or audit record of it exists, and its retry with the same `Idempotency-Key` is a first submission."""

from __future__ import annotations

import asyncio

from tests.integration.intake.intake_api import Intake
from tests.integration.intake.overload import report_of_child, reports_held
from tests.support.system import running_system
from tests.support.waiting import eventually


async def test_a_report_refused_for_overload_left_nothing_behind(fresh_database_url: str) -> None:
    async with running_system(
        fresh_database_url, ["intake"], HTTP_MAX_IN_FLIGHT=1, HTTP_ADMISSION_WAIT_SECONDS=0
    ) as (system, client):
        intake = Intake(system, client)
        async with reports_held(fresh_database_url) as waiting:
            admitted = asyncio.create_task(intake.submit(report_of_child(1)))
            await eventually(waiting, until=lambda n: n == 1, what="the admitted report held in flight")
            refused = await intake.submit(report_of_child(2), key="refused-once")
            assert refused.status_code == 503, refused.text
        assert (await admitted).status_code == 202
        before = await intake.counts()
        assert before["reports"] == before["children"] == before["outbox"] == 1, before
        assert before["report_idempotency_keys"] == 0, before
        assert await intake.scalar("SELECT count(*) FROM audit_log") == 1

        retried = await intake.submit(report_of_child(2), key="refused-once")
        assert retried.status_code == 202, retried.text
        assert "Idempotent-Replayed" not in retried.headers
        after = await intake.counts()
        assert (after["reports"], after["children"], after["report_idempotency_keys"]) == (2, 2, 1)
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
