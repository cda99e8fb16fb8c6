"""The notifications service on real Kafka and PostgreSQL, with routing and police as emitters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backbone.system import System
from services.notifications.service import definition as notifications
from tests.integration.notifications.notification_support import notifications_settings, police, routing
from tests.support.system import serving


@pytest.fixture
async def notifications_system(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path: Path
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """The system and a client acting as the police dispatch system (which owns the subscriptions)."""
    settings = notifications_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    system = System(settings, [notifications, routing, police])
    await system.start()
    async with serving(system):
        async with system.callers.client("police-dispatch") as police_client:
            yield system, police_client
    await system.stop()
