"""The whole system in the test process on a fresh database (embedded transport unless a test says)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backbone.system import System
from tests.support.system import running_system


@pytest.fixture
async def running(fresh_database_url: str) -> AsyncIterator[tuple[System, httpx.AsyncClient]]:
    """All six services, embedded transport, and a client calling each path as its owner."""
    async with running_system(fresh_database_url) as (system, http):
        yield system, http


@pytest.fixture
def client(running: tuple[System, httpx.AsyncClient]) -> httpx.AsyncClient:
    return running[1]
