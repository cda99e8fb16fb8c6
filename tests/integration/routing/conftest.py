"""The routing service alone on a fresh database, fed by publishing agencies' envelopes on their topics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.routing.routing_support import Routing
from tests.support.system import running_system


@pytest.fixture(params=["embedded"])
async def routing(
    request: pytest.FixtureRequest,
    fresh_database_url: str,
    kafka_bootstrap_servers: str,
    kafka_namespace: str,
) -> AsyncIterator[Routing]:
    """Routing on the embedded (PostgreSQL-backed) transport; parametrise indirectly with "kafka"."""
    async with running_system(
        fresh_database_url,
        ["routing"],
        transport=request.param,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_namespace=kafka_namespace,
    ) as (system, client):
        yield Routing(system, client)
