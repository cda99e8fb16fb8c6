"""PostgreSQL notifications as wake-ups, so idle readers wait instead of polling.

A reader that is told when something was committed can sleep long between safety polls: idle then costs
almost nothing. A notification is only a hint (it is lost while the listener reconnects), so readers
still poll, quickly while the listener is down and rarely while it is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from backbone.db import asyncpg_url

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


class CommitListener:
    """Holds one connection LISTENing on a channel and calls `on_notify(payload)` for each notification."""

    def __init__(self, database_url: str, *, channel: str, on_notify: Callable[[str], None]) -> None:
        self._dsn = asyncpg_url(database_url).replace("postgresql+asyncpg://", "postgresql://", 1)
        self._channel = channel
        self._on_notify = on_notify
        self._task: asyncio.Task | None = None
        self._listening = asyncio.Event()

    @property
    def listening(self) -> bool:
        """Whether notifications arrive now (if not, readers must poll)."""
        return self._listening.is_set()

    async def start(self) -> None:
        """Start listening in the background; wait briefly for the first connection."""
        self._task = asyncio.create_task(self._listen_forever(), name=f"listen-{self._channel}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await self._listening.wait()

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen_forever(self) -> None:
        while True:
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await self._listen_until_lost()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_until_lost(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(self._channel, lambda *args: self._on_notify(args[-1]))
            self._listening.set()
            # Whatever was committed before LISTEN took effect is found by the readers' next look.
            self._on_notify("")
            await lost.wait()
        finally:
            self._listening.clear()
            if not connection.is_closed():
                with contextlib.suppress(Exception):
                    await connection.close(timeout=1)
