"""The notifications service on real Kafka and PostgreSQL, with routing and police as emitters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backbone.service import ServiceDefinition
from backbone.settings import Settings
from backbone.system import System
from services.notifications.service import definition as notifications
from tests.support.system import serving, test_identity

# Routing and the police only emit here, as their services would: notifications applies it all.
routing = ServiceDefinition(name="routing", title="routing emitter")
police = ServiceDefinition(name="police", title="police emitter")


@pytest.fixture
async def notifications_system(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path: Path
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """The system and a client acting as the police dispatch system (which owns the subscriptions)."""
    settings = Settings(
        DATABASE_URL=fresh_database_url,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap_servers,
        KAFKA_NAMESPACE=kafka_namespace,
        BACKBONE_TRANSPORT="kafka",
        WEBHOOK_ALLOW_LOOPBACK=True,
        WEBHOOK_POLL_SECONDS=0.05,
        **test_identity(tmp_path),
    )
    system = System(settings, [notifications, routing, police])
    await system.start()
    async with serving(system):
        async with system.callers.client("police-dispatch") as police_client:
            yield system, police_client
    await system.stop()
