"""A caller over its rate limit is answered 429 with Retry-After, changes nothing, and slows no one else.

The limits are the access policy's `rate_limits`; this test ships a copy whose limits are a few requests
an hour, so the window cannot pass during the test and no clock is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from backbone.auth.policy import DEFAULT_POLICY
from tests.integration.hardening.conftest import problems
from tests.integration.intake.intake_api import Intake, build_report
from tests.support.system import running_system
from tests.support.waiting import eventually


def tiny_limits_policy(folder: Path) -> str:
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["rate_limits"] = {
        "default": "3/hour",
        "routes": {"intake": {"POST /v1/reports": "2/hour"}},
    }
    path = folder / "access-tiny-limits.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def report(number: int, source: str = "hotline_12355") -> dict:
    return build_report(**{"source": source, "child.name": f"限流测试{number}", "child.id_number": None})


async def test_a_flooding_client_is_refused_while_another_is_served(
    fresh_database_url: str, tmp_path: Path
) -> None:
    policy = tiny_limits_policy(tmp_path)
    async with running_system(fresh_database_url, ["intake"], ACCESS_POLICY_PATH=policy) as (system, _):
        async with (
            system.callers.client("hotline-12355") as hotline,
            system.callers.client("school-platform") as school,
        ):
            intake = Intake(system, hotline)
            served = [await hotline.post("/intake/v1/reports", json=report(n)) for n in (1, 2)]
            assert [r.status_code for r in served] == [202, 202], [r.text for r in served]
            before = await intake.counts()

            refused = await hotline.post("/intake/v1/reports", json=report(3))
            assert refused.status_code == 429, refused.text
            assert problems(refused) == [((), "rate_limited")]
            assert 1 <= int(refused.headers["Retry-After"]) <= 3600
            assert await intake.counts() == before  # nothing stored, nothing emitted

            # The school's platform has its own budget: the hotline's flood does not reach it.
            other = await school.post("/intake/v1/reports", json=report(4, source="school"))
            assert other.status_code == 202, other.text

            # Each route has its own budget: the flooding client can still read (the default, 3/hour).
            report_id = served[0].json()["report_id"]
            reads = [(await hotline.get(f"/intake/v1/reports/{report_id}")).status_code for _ in range(4)]
            assert reads == [200, 200, 200, 429]
        await eventually(intake.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")


async def test_callers_without_a_valid_token_are_counted_by_address(
    fresh_database_url: str, tmp_path: Path
) -> None:
    policy = tiny_limits_policy(tmp_path)
    async with running_system(fresh_database_url, ["intake"], ACCESS_POLICY_PATH=policy) as (system, _):
        forged = {"Authorization": "Bearer not-a-token"}
        async with (
            httpx.AsyncClient(
                transport=system.callers.transport, base_url="http://backbone", headers=forged
            ) as anonymous,
            system.callers.client("hotline-12355") as hotline,
        ):
            refused = [(await anonymous.get("/intake/v1/reports/r-1")).status_code for _ in range(4)]
            known = (await hotline.get("/intake/v1/reports/r-1")).status_code
        assert refused == [401, 401, 401, 429]
        assert known == 404  # the hotline's client has its own budget, untouched by the address's
