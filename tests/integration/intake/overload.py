"""Holding intake's reports in flight on purpose: a barrier in the database, released when the test says."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg

from tests.integration.intake.intake_api import build_report, resident_id


def report_of_child(number: int) -> dict[str, Any]:
    """A valid report about a child of its own (no two numbers share a file or a lock)."""
    return build_report(
        **{
            "child.id_number": resident_id(sequence=f"{2 * number + 1:03d}"),
            "child.name": "测试" + "".join("零一二三四五六七八九"[int(d)] for d in str(number)),
        }
    )


@contextlib.asynccontextmanager
async def reports_held(database_url: str) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """Hold intake's `reports` table (a SHARE lock in an open transaction): every POST admitted meanwhile
    waits, in flight, at its report's insert until the block ends. Yields how many wait for a lock now."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    transaction = connection.transaction()
    await transaction.start()
    await connection.execute("LOCK TABLE intake.reports IN SHARE MODE")

    async def waiting() -> int:
        return await connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )

    try:
        yield waiting
    finally:
        await transaction.rollback()
        await connection.close()
