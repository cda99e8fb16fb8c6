"""Shared fixtures: the real PostgreSQL and Kafka the test command started, and fresh databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from backbone.db import asyncpg_url
from backbone.db_access import drop_database_roles

pytest_plugins = ["tests.support.fake_clock"]


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: run the suite with ./test.sh, which starts PostgreSQL and Kafka "
            "(deploy/local) when they are not given",
            pytrace=False,
        )
    return value


@pytest.fixture(scope="session")
def server_database_url() -> str:
    """The PostgreSQL server the test command provides."""
    return _required_env("DATABASE_URL")


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> str:
    """The Kafka broker the test command provides."""
    return _required_env("KAFKA_BOOTSTRAP_SERVERS")


def _plain_url(url: str) -> str:
    return asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)


def _with_database(url: str, database: str) -> str:
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{database}" + (f"?{tail}" if tail else "")


@pytest.fixture
async def fresh_database_url(server_database_url: str) -> AsyncIterator[str]:
    """A new, empty database on the real server for one test; dropped afterwards, with its roles."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_plain_url(server_database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield _with_database(asyncpg_url(server_database_url), name)
    admin = await asyncpg.connect(_plain_url(server_database_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await drop_database_roles(admin, name)
    finally:
        await admin.close()


@pytest.fixture
def kafka_namespace() -> str:
    """A topic and consumer-group prefix no other test uses."""
    return f"t{uuid.uuid4().hex[:10]}."
