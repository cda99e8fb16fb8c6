"""Shared fixtures: the real PostgreSQL and Kafka the test command started, and fresh databases."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from backbone.db import asyncpg_url
from backbone.db_access import drop_database_roles
from tests.support.environment import required_env

pytest_plugins = ["tests.support.fake_clock"]


@pytest.fixture(scope="session")
def server_database_url() -> str:
    """The PostgreSQL server the test command provides."""
    return required_env("DATABASE_URL")


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> str:
    """The Kafka broker the test command provides."""
    return required_env("KAFKA_BOOTSTRAP_SERVERS")


def _plain_url(url: str) -> str:
    return asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)


def _with_database(url: str, database: str) -> str:
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{database}" + (f"?{tail}" if tail else "")


@contextlib.asynccontextmanager
async def _fresh_database(server_database_url: str) -> AsyncIterator[str]:
    """A new, empty database on the real server; dropped afterwards, with its roles."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_plain_url(server_database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(asyncpg_url(server_database_url), name)
    finally:
        admin = await asyncpg.connect(_plain_url(server_database_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await drop_database_roles(admin, name)
        finally:
            await admin.close()


@pytest.fixture
async def fresh_database_url(server_database_url: str) -> AsyncIterator[str]:
    """A new, empty database on the real server for one test; dropped afterwards."""
    async with _fresh_database(server_database_url) as url:
        yield url


@pytest.fixture(scope="module")
async def module_database_url(server_database_url: str) -> AsyncIterator[str]:
    """A new, empty database shared by one module's tests; dropped afterwards."""
    async with _fresh_database(server_database_url) as url:
        yield url


@pytest.fixture
def kafka_namespace() -> str:
    """A topic and consumer-group prefix no other test uses."""
    return f"t{uuid.uuid4().hex[:10]}."
