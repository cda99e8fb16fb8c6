"""The whole system in the test process on a fresh database (embedded transport unless a test says)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.system import running_system


@pytest.fixture
async def client(fresh_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on all six services, embedded transport."""
    async with running_system(fresh_database_url) as (_, http):
        yield http
