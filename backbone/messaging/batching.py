"""Applying a batch of messages: in order per key (a case), different keys concurrently.

Events of one case must be applied in order; events of different cases need not be, and applying them
one after another leaves the database round trips of every message in series. Whatever fails stops
only its own key; the batch reports the first offset not known to be applied, and everything from
there is delivered again (the inbox makes the already-applied ones no-ops).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from backbone.messaging.transport import IncomingMessage, MessageHandler

log = logging.getLogger(__name__)
RETRY_BACKOFF_SECONDS = (0.5, 1, 2, 5)


def retry_delay(failures: int) -> float:
    """How long to wait before delivering again after `failures` failed attempts in a row."""
    return RETRY_BACKOFF_SECONDS[min(failures, len(RETRY_BACKOFF_SECONDS)) - 1]


async def apply_batch(
    messages: Sequence[IncomingMessage], handle: MessageHandler, *, concurrency: int
) -> int | None:
    """Apply the messages; return the offset of the first one not applied, or None if all were."""
    by_key: dict[bytes | None, list[IncomingMessage]] = {}
    for message in messages:
        by_key.setdefault(message.key, []).append(message)
    failed_at: list[int] = []
    slots = asyncio.Semaphore(max(1, concurrency))

    async def apply_key(ordered: list[IncomingMessage]) -> None:
        async with slots:
            for message in ordered:
                try:
                    await handle(message)
                except Exception:
                    log.exception(
                        "message not applied; will retry",
                        extra={
                            "topic": message.topic,
                            "partition": message.partition,
                            "offset": message.offset,
                        },
                    )
                    failed_at.append(message.offset)
                    return

    await asyncio.gather(*(apply_key(ordered) for ordered in by_key.values()))
    return min(failed_at) if failed_at else None
