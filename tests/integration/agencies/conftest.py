"""Each agency service running alone on a fresh real database (embedded transport on that database)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.agencies.agency_support import RunningAgency
from tests.support.system import running_system


async def _running(database_url: str, name: str) -> AsyncIterator[RunningAgency]:
    async with running_system(database_url, [name]) as (system, client):
        yield RunningAgency(name, system, client)


@pytest.fixture
async def police(fresh_database_url: str) -> AsyncIterator[RunningAgency]:
    async for agency in _running(fresh_database_url, "police"):
        yield agency


@pytest.fixture
async def health(fresh_database_url: str) -> AsyncIterator[RunningAgency]:
    async for agency in _running(fresh_database_url, "health"):
        yield agency


@pytest.fixture
async def education(fresh_database_url: str) -> AsyncIterator[RunningAgency]:
    async for agency in _running(fresh_database_url, "education"):
        yield agency


@pytest.fixture
async def civil_affairs(fresh_database_url: str) -> AsyncIterator[RunningAgency]:
    async for agency in _running(fresh_database_url, "civil_affairs"):
        yield agency
