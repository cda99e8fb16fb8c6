"""With PostgreSQL down or starting up, a service answers 503 with Retry-After (never a bare 500),
changes nothing, and serves again once the database is back.

The database is a private PostgreSQL this test stops and starts; the shared one is never touched.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text

from tests.integration.hardening.conftest import problems
from tests.integration.intake.intake_api import build_report
from tests.support.private_infra import PrivateComponent, free_port, private_component
from tests.support.system import running_system
from tests.support.waiting import eventually


@pytest.fixture
def private_postgres() -> Iterator[tuple[PrivateComponent, str]]:
    port = free_port()
    with private_component("postgres", PG_PORT=port) as postgres:
        yield postgres, postgres.client_settings()["DATABASE_URL"]


@pytest.fixture
async def client(private_postgres: tuple[PrivateComponent, str]) -> AsyncIterator[httpx.AsyncClient]:
    _, url = private_postgres
    async with running_system(url, ["intake", "police"]) as (system, client):
        yield client
        intake = system.runtime("intake").engine

        async def unsent() -> int:
            async with intake.connect() as connection:
                return await connection.scalar(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))

        # Stop only once the relay is idle (see tests/integration/intake/conftest.py).
        await eventually(unsent, until=lambda n: n == 0, what="intake outbox drained")


def _assert_store_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert problems(response) == [((), "store_unavailable")]


async def test_a_store_outage_is_503_until_the_database_is_back(
    private_postgres: tuple[PrivateComponent, str], client: httpx.AsyncClient
) -> None:
    postgres, _ = private_postgres
    first = await client.post("/intake/v1/reports", json=build_report(), headers={"Idempotency-Key": "r-1"})
    assert first.status_code == 202, first.text
    report_id = first.json()["report_id"]

    await postgres.stop()
    retried = build_report(**{"child.name": "王小红"})
    _assert_store_unavailable(
        await client.post("/intake/v1/reports", json=retried, headers={"Idempotency-Key": "r-2"})
    )
    _assert_store_unavailable(await client.get(f"/intake/v1/reports/{report_id}"))
    _assert_store_unavailable(await client.get("/police/v1/referrals"))
    ready = await client.get("/intake/readyz")
    assert ready.status_code == 503
    assert ready.json()["accept"].startswith("failing: intake database failing")

    # While the server starts up ("the database system is starting up") and after: 503 or served.
    starting = asyncio.create_task(postgres.start())
    while not starting.done():
        response = await client.get("/police/v1/referrals")
        assert response.status_code in (200, 503), response.text
        await asyncio.wait({starting}, timeout=0.05)
    await starting

    async def submit_again() -> httpx.Response:
        return await client.post("/intake/v1/reports", json=retried, headers={"Idempotency-Key": "r-2"})

    accepted = await eventually(submit_again, until=lambda r: r.status_code == 202, what="report accepted")
    assert accepted.headers.get("Idempotent-Replayed") is None, "the refused attempt stored nothing"
    assert (await client.get(f"/intake/v1/reports/{report_id}")).status_code == 200
    assert (await client.get("/intake/readyz")).status_code == 200
