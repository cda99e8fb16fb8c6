"""PostgreSQL notifications as wake-ups, so idle readers wait instead of polling.

A reader that is told when something was committed can sleep long between safety polls: idle then costs
almost nothing. A notification is only a hint (it is lost while the listener reconnects), so readers
still poll, quickly while the listener is down and rarely while it is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import asyncpg

from backbone.clock import is_controlled
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


class ChangeWaiter:
    """Lets a loop sleep until its next due time or until the table it watches changes (a trigger
    NOTIFYs `channel`, in any process); it looks often while it cannot be told, or while a test controls
    time (time then moves without a change)."""

    def __init__(
        self,
        database_url: str,
        *,
        channel: str,
        longest_sleep: float,
        unnotified_sleep: float = 0.5,
        at_most_every: float = 0.25,
    ) -> None:
        self._changed = asyncio.Event()
        self._listener = CommitListener(database_url, channel=channel, on_notify=self._notified)
        self._longest = longest_sleep
        self._unnotified = unnotified_sleep
        self._at_most_every = at_most_every
        self._looked = 0.0

    def _notified(self, _: str) -> None:
        self._changed.set()

    async def __aenter__(self) -> ChangeWaiter:
        await self._listener.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._listener.stop()

    def looking(self) -> None:
        """Called before the loop looks at the table: changes from now on wake the next sleep."""
        self._changed.clear()
        self._looked = time.monotonic()

    async def sleep(self, due_in_seconds: float | None) -> None:
        """Sleep until the next due time (None: nothing due) or a change, never sooner than
        `at_most_every` after the last look, so a burst of changes costs one look."""
        told = self._listener.listening and not is_controlled()
        longest = self._longest if told else self._unnotified
        seconds = longest if due_in_seconds is None else min(max(due_in_seconds, 0.0), longest)
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            # asyncio.timeout, not wait_for (see OutboxRelay.run).
            async with asyncio.timeout(seconds):
                await self._changed.wait()
        early = min(self._looked + self._at_most_every, deadline) - time.monotonic()
        if early > 0:
            await asyncio.sleep(early)
