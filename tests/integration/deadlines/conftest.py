"""Routing's durable deadlines with an agency that stops them, on real Kafka and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backbone.app import create_app
from backbone.service import ServiceDefinition
from backbone.settings import Settings
from backbone.system import System
from services.routing.service import definition as routing

# Intake and the police only emit here (as their systems would): routing's real service applies it all.
intake = ServiceDefinition(name="intake", title="intake emitter")
police = ServiceDefinition(name="police", title="police emitter")
civil_affairs = ServiceDefinition(name="civil_affairs", title="civil affairs emitter")


def deadline_settings(database_url: str, bootstrap: str, namespace: str) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        KAFKA_NAMESPACE=namespace,
        BACKBONE_TRANSPORT="kafka",
    )


@pytest.fixture
async def deadlines_system(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    system = System(
        deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace),
        [routing, intake, police, civil_affairs],
    )
    await system.start()
    app = create_app(system, manage_lifespan=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://backbone"
    ) as client:
        yield system, client
    await system.stop()
