"""Waiting on conditions, never on fixed sleeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    until: Callable[[T], bool] = bool,
    within: float = 30.0,
    what: str = "",
) -> T:
    """Call `probe` until `until(result)` holds; fail with the last result after `within` seconds."""
    deadline = time.monotonic() + within
    interval = 0.02
    while True:
        result = await probe()
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"condition not met within {within}s: {what or probe}; last value: {result!r}"
            )
        await asyncio.sleep(interval)
        interval = min(interval * 2, 0.25)
