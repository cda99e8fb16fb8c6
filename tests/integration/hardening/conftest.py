"""All six services on one fresh database (embedded transport), shared by a module's tests.

The hardening tests send requests that must change nothing; `counts()` shows that they did not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from backbone.system import System
from tests.support.system import running_system
from tests.support.waiting import eventually

# Tables a hostile request could have written to, by service.
WRITABLE_TABLES = {
    "intake": ("reports", "children", "report_idempotency_keys", "outbox"),
    "routing": ("outbox",),
    "police": ("police_detentions", "outbox"),
    "civil_affairs": ("outbox",),
}


@dataclass
class Services:
    system: System
    client: httpx.AsyncClient

    async def scalar(self, service: str, sql: str, **params: Any) -> Any:
        async with self.system.runtime(service).engine.connect() as connection:
            return await connection.scalar(text(sql), params)

    async def counts(self) -> dict[str, int]:
        """Rows in every table a request could write to."""
        return {
            f"{service}.{table}": await self.scalar(service, f"SELECT count(*) FROM {table}")
            for service, tables in WRITABLE_TABLES.items()
            for table in tables
        }

    async def unsent_outbox_rows(self) -> int:
        return sum(
            [
                await self.scalar(name, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                for name in self.system.runtimes
            ]
        )


@pytest.fixture(scope="module")
async def services(module_database_url: str) -> AsyncIterator[Services]:
    async with running_system(module_database_url) as (system, client):
        running = Services(system, client)
        yield running
        # Stop only once every relay is idle (see tests/integration/intake/conftest.py).
        await eventually(running.unsent_outbox_rows, until=lambda n: n == 0, what="outboxes drained")


def problems(response: httpx.Response) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, type) of each problem the refusal names, after checking the shared error shape."""
    detail = response.json()["detail"]
    assert isinstance(detail, list), response.text
    for item in detail:
        assert set(item) == {"loc", "msg", "type"}, item
    return [(tuple(item["loc"]), item["type"]) for item in detail]
