"""Routing's durable deadlines with an agency that stops them, on real Kafka and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backbone.service import ServiceDefinition
from backbone.settings import Settings
from backbone.system import System
from services.routing.service import definition as routing
from tests.support.system import serving, test_identity

# Intake and the police only emit here (as their systems would): routing's real service applies it all.
intake = ServiceDefinition(name="intake", title="intake emitter")
police = ServiceDefinition(name="police", title="police emitter")
civil_affairs = ServiceDefinition(name="civil_affairs", title="civil affairs emitter")


def deadline_settings(database_url: str, bootstrap: str, namespace: str, data_dir: Path) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        KAFKA_NAMESPACE=namespace,
        BACKBONE_TRANSPORT="kafka",
        **test_identity(data_dir),
    )


@pytest.fixture
async def deadlines_system(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path: Path
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    system = System(
        deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path),
        [routing, intake, police, civil_affairs],
    )
    await system.start()
    async with serving(system) as client:
        yield system, client
    await system.stop()
