"""Running real services (all six or a few) in the test process, reached through their REST APIs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from backbone.app import create_app
from backbone.settings import Settings
from backbone.system import System


@contextlib.asynccontextmanager
async def running_system(
    database_url: str,
    services: list[str] | None = None,
    *,
    transport: str = "embedded",
    kafka_bootstrap_servers: str | None = None,
    kafka_namespace: str = "",
    otlp_endpoint: str | None = None,
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """Start the named services (default: all) on a fresh database; yield the system and an HTTP client.

    The client speaks to the same ASGI app uvicorn would serve: `/{service}/v1/...`.
    """
    settings = Settings(
        DATABASE_URL=database_url,
        BACKBONE_TRANSPORT=transport,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap_servers,
        KAFKA_NAMESPACE=kafka_namespace,
        OTEL_EXPORTER_OTLP_ENDPOINT=otlp_endpoint,
        **({"BACKBONE_SERVICES": ",".join(services)} if services else {}),
    )
    system = System(settings)
    await system.start()
    try:
        app = create_app(system, manage_lifespan=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://backbone"
        ) as client:
            yield system, client
    finally:
        await system.stop()
