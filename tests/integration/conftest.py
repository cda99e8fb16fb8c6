"""Fixtures that run the backbone's runtime on the real PostgreSQL and Kafka (or the embedded log)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backbone.system import System
from tests.support import pingpong
from tests.support.pingpong import create_pingpong_tables, pingpong_settings


@pytest.fixture(params=["kafka", "embedded"])
async def pingpong_system(
    request: pytest.FixtureRequest,
    fresh_database_url: str,
    kafka_bootstrap_servers: str,
    kafka_namespace: str,
    tmp_path: Path,
) -> AsyncIterator[System]:
    """sender + receiver running on one transport (parametrised: real Kafka, then the embedded log)."""
    await create_pingpong_tables(fresh_database_url)
    settings = pingpong_settings(
        fresh_database_url, kafka_bootstrap_servers, kafka_namespace, request.param, tmp_path
    )
    system = System(settings, [pingpong.sender, pingpong.receiver], catalogue=pingpong.catalogue)
    await system.start()
    yield system
    await system.stop()
