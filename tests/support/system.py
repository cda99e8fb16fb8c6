"""Running real services (all six or a few) in the test process, reached through their REST APIs."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from backbone.app import create_app
from backbone.sealing import new_key_file_content
from backbone.settings import Settings
from backbone.system import System
from tests.support.auth import TEST_REGISTRY, Callers

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
    **settings: object,
) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """Start the named services (default: all) on a fresh database; yield the system and an HTTP client.

    The client speaks to the same ASGI app uvicorn would serve (`/{service}/v1/...`), each request as
    the agency owning the path (tests/support/auth.py); `system.callers` gives clients for any account.
    The built-in issuer keeps its keys and secrets in a temporary folder of this system's own.
    """
    with tempfile.TemporaryDirectory(prefix="backbone-test-") as data_dir:
        config = Settings(
            DATABASE_URL=database_url,
            BACKBONE_TRANSPORT=transport,
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap_servers,
            KAFKA_NAMESPACE=kafka_namespace,
            **test_identity(Path(data_dir)),
            **({"BACKBONE_SERVICES": ",".join(services)} if services else {}),
            **settings,
        )
        system = System(config)
        await system.start()
        try:
            async with serving(system) as client:
                yield system, client
        finally:
            await system.stop()


def test_identity(data_dir: Path) -> dict[str, object]:
    """Settings giving a system the test registry's accounts, its issuer state kept in `data_dir`."""
    return {
        "BACKBONE_DATA_DIR": data_dir,
        "IDENTITY_REGISTRY_PATH": TEST_REGISTRY,
        "SEALING_KEYS": TEST_SEALING_KEYS,
    }


@contextlib.asynccontextmanager
async def serving(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """The started system's ASGI app, and a client calling it as each path's owner (tests/support/auth.py)."""
    asgi = httpx.ASGITransport(app=create_app(system, manage_lifespan=False))
    system.callers = Callers(system, asgi)
    async with system.callers.owners_client() as client:
        yield client
