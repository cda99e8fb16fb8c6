"""The whole system (all seven services) on a fresh database, once per transport, driven over REST only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.journeys import Journey
from tests.support.system import running_system


@pytest.fixture(params=["kafka", "embedded"])
async def journey(
    request: pytest.FixtureRequest,
    fresh_database_url: str,
    kafka_bootstrap_servers: str,
    kafka_namespace: str,
) -> AsyncIterator[Journey]:
    """All seven services on real Kafka (fresh topic namespace), then on the embedded PostgreSQL log."""
    if "fake_clock" in request.fixturenames:
        request.getfixturevalue("fake_clock")  # time stands still before the first service starts
    # A test asking for `statement_spans` runs with a span per SQL statement (TRACE_DB_STATEMENTS), the
    # debugging setting, so what it checks of spans holds for those too.
    statement_spans = "statement_spans" in request.fixturenames
    async with running_system(
        fresh_database_url,
        transport=request.param,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_namespace=kafka_namespace,
        WEBHOOK_ALLOW_LOOPBACK=True,  # agency systems' webhook receivers run in the test, on loopback
        TRACE_DB_STATEMENTS=statement_spans,
    ) as (system, client):
        yield Journey(client, request.param, system.callers)


@pytest.fixture
def statement_spans() -> bool:
    """Ask `journey` for a span per SQL statement (see above)."""
    return True
