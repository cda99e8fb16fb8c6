"""A policy that makes report submission public: reports without a token are accepted, naming no one.

The benchmark's no-token baseline (bench.auth.open_intake_policy) is such a policy; a city could ship one
for an anonymous reporting form. Only that route opens: reading a report still needs a token.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.auth import open_intake_policy
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.system import running_system
from tests.support.waiting import eventually


async def test_reports_without_a_token_are_accepted_and_name_no_submitter(
    fresh_database_url: str, tmp_path: Path
) -> None:
    policy = str(open_intake_policy(tmp_path))
    async with running_system(fresh_database_url, ["intake"], ACCESS_POLICY_PATH=policy) as (system, client):
        intake = Intake(system, client)
        async with httpx.AsyncClient(
            transport=system.callers.transport, base_url="http://backbone"
        ) as anonymous:
            body, form = build_report(), {"Idempotency-Key": "form-1"}
            first = await anonymous.post("/intake/v1/reports", json=body, headers=form)
            again = await anonymous.post("/intake/v1/reports", json=body, headers=form)
            read = await anonymous.get(f"/intake/v1/reports/{first.json()['report_id']}")

        assert first.status_code == 202, first.text
        assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
        assert read.status_code == 401
        assert await intake.rows("SELECT submitted_by FROM reports") == [(None,)]
        assert await intake.scalar("SELECT count(*) FROM audit_log") == 0  # no known caller to attribute
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
