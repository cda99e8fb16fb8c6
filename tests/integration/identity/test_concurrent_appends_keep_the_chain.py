"""Reports submitted at the same moment are audited one after the other: the chain stays unbroken, one
record per report, each linked to the one committed before it."""

from __future__ import annotations

import asyncio

from backbone.audit.verify import verify_chain
from tests.integration.intake.intake_api import Intake
from tests.integration.intake.overload import report_of_child
from tests.support.system import running_system
from tests.support.waiting import eventually

REPORTS = 8


async def test_concurrent_reports_leave_an_unbroken_chain(fresh_database_url: str) -> None:
    async with running_system(fresh_database_url, ["intake"]) as (system, client):
        intake = Intake(system, client)
        answers = await asyncio.gather(*(intake.submit(report_of_child(n)) for n in range(REPORTS)))
        assert [a.status_code for a in answers] == [202] * REPORTS, [a.text for a in answers]
        chain = await verify_chain(system.database_url, service="intake")
        assert chain.broken is None and chain.checked == REPORTS
        assert await intake.scalar("SELECT count(DISTINCT prev_hash) FROM audit_log") == REPORTS
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
