"""Running real services (all six or a few) in the test process, reached through their REST APIs."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import httpx

from backbone.app import create_app
from backbone.sealing import new_key_file_content
from backbone.settings import Settings
from backbone.system import System

# One key ring for the test process: a system restarted on the same database still opens its data.
TEST_SEALING_KEYS = json.dumps(new_key_file_content())


@contextlib.asynccontextmanager
async def running_system(
    database_url: str,
    services: list[str] | None = None,
    *,
    transport: str = "embedded",
    kafka_bootstrap_servers: str | None = None,
    kafka_namespace: str = "",
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """Start the named services (default: all) on a fresh database; yield the system and an HTTP client.

    The client speaks to the same ASGI app uvicorn would serve: `/{service}/v1/...`.
    """
    settings = Settings(
        DATABASE_URL=database_url,
        BACKBONE_TRANSPORT=transport,
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap_servers,
        KAFKA_NAMESPACE=kafka_namespace,
        SEALING_KEYS=TEST_SEALING_KEYS,
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
