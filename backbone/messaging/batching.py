"""Applying what one poll brought: few, bounded transactions, and splitting one a handler failed in.

A consumer applies a poll's messages (one partition's or one topic's) in as few transactions as it can,
since one commit per message was most of a consumer's cost under load. Each transaction holds at most
`batch_max` messages, so how long it holds its locks (a case's advisory lock, its clock rows) stays
bounded. Only a poll larger than that is cut into lanes, disjoint by key (a case) and applied
concurrently up to `concurrency`, each lane as consecutive transactions in offset order. Not a lane per
key as before: every lane is a transaction of its own, so that would give back the commit per message;
and with few cores the round trips that lanes overlap are worth less than the commits saved. Lanes pay
when a backlog arrives (polls of 200), where one transaction would hold many cases' locks for long.

Within a transaction messages go in (key, offset) order: one case's stay in order, and every
transaction applied at the same time (other partitions, the service's other topics) takes the cases'
locks in the same order, so they wait for each other instead of deadlocking. A deadlock still met (a
handler locking another case) is a 40P01, which the consumer raises: the transaction is rolled back
whole, nothing of it is lost, and the transport delivers it again from its first message.

A handler's failure rolls the whole transaction back (its inbox claims too). The batch is then split
around the message that failed (before it, it alone, after it), or in halves when the failure is not
one message's (raised at commit), and the parts are applied again in order, down to a single message,
which gets the consumer's retries and then its dead letter: only the poisoned message is
dead-lettered and the rest of its batch is applied exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)
RETRY_BACKOFF_SECONDS = (0.5, 1, 2, 5)


class Batchable(Protocol):
    @property
    def topic(self) -> str: ...

    @property
    def partition(self) -> int: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def offset(self) -> int: ...


T = TypeVar("T", bound=Batchable)


class BatchFailed(Exception):
    """A handler failed and the batch's transaction was rolled back; `index`: the message at fault."""

    def __init__(self, error: Exception, index: int | None) -> None:
        super().__init__(type(error).__name__)
        self.error = error
        self.index = index


def retry_delay(failures: int) -> float:
    """How long to wait before delivering again after `failures` failed attempts in a row."""
    return RETRY_BACKOFF_SECONDS[min(failures, len(RETRY_BACKOFF_SECONDS)) - 1]


def in_lock_order(items: Sequence[T]) -> list[T]:
    """By key, then offset: a key's messages in order, and keys in the order every transaction uses."""
    return sorted(items, key=lambda item: (item.key or b"", item.offset))


def lanes(items: Sequence[T], *, concurrency: int, batch_max: int) -> list[list[T]]:
    """Key-disjoint lanes in offset order: one, unless there is more than one transaction's worth."""
    count = max(1, min(concurrency, math.ceil(len(items) / max(1, batch_max))))
    by_key: dict[bytes | None, list[T]] = {}
    for item in items:
        by_key.setdefault(item.key, []).append(item)
    loads: list[list[T]] = [[] for _ in range(count)]
    for group in sorted(by_key.values(), key=lambda group: (-len(group), group[0].offset)):
        min(loads, key=len).extend(group)
    return [sorted(lane, key=lambda item: item.offset) for lane in loads if lane]


def transactions(lane: Sequence[T], *, batch_max: int) -> list[list[T]]:
    """A lane cut into consecutive transactions of at most `batch_max`, each in lock order."""
    size = max(1, batch_max)
    return [in_lock_order(lane[start : start + size]) for start in range(0, len(lane), size)]


def split(items: Sequence[T], index: int | None) -> list[list[T]]:
    """The parts to apply again after a failure: around the failed message when known, else halves."""
    if index is None or not 0 <= index < len(items):
        half = len(items) // 2
        return [list(items[:half]), list(items[half:])]
    parts = [items[:index], items[index : index + 1], items[index + 1 :]]
    return [list(part) for part in parts if part]


async def apply_splitting(
    items: Sequence[T],
    attempt: Callable[[list[T]], Awaitable[None]],
    alone: Callable[[T], Awaitable[None]],
) -> None:
    """Apply the items in one transaction (`attempt`); when it raises BatchFailed, apply the parts of
    the split again in order, a single item through `alone` (retries, dead letter)."""
    if len(items) == 1:
        await alone(items[0])
        return
    try:
        await attempt(list(items))
    except BatchFailed as failed:
        log.warning(
            "batch rolled back after a handler failed; applying it in parts",
            extra={
                "messages": len(items),
                "failed_index": failed.index,
                "error": type(failed.error).__name__,
            },
        )
        for part in split(items, failed.index):
            await apply_splitting(part, attempt, alone)


async def handed_over(
    messages: Sequence[Batchable], handle: Callable[..., Awaitable[int | None]]
) -> int | None:
    """What a transport calls: `handle`'s answer, or the first offset when it raised (none applied)."""
    if not messages:
        return None
    try:
        return await handle(messages)
    except Exception:
        first = messages[0]
        log.exception(
            "messages not applied; will retry",
            extra={"topic": first.topic, "partition": first.partition, "offset": first.offset},
        )
        return first.offset


async def apply_batch(
    items: Sequence[T],
    apply: Callable[[list[T]], Awaitable[None]],
    *,
    concurrency: int,
    batch_max: int,
) -> int | None:
    """Apply the items as bounded transactions, lanes concurrently; return the offset of the first one
    not applied, or None if all were. What fails stops its lane: everything from the returned offset is
    delivered again, and the inbox makes the already-applied ones no-ops."""
    failed_at: list[int] = []

    async def apply_lane(lane: list[T]) -> None:
        for batch in transactions(lane, batch_max=batch_max):
            try:
                await apply(batch)
            except Exception:
                first = min(item.offset for item in batch)
                log.exception(
                    "messages not applied; will retry",
                    extra={
                        "topic": batch[0].topic,
                        "partition": batch[0].partition,
                        "offset": first,
                        "messages": len(batch),
                    },
                )
                failed_at.append(first)
                return

    await asyncio.gather(
        *(apply_lane(lane) for lane in lanes(items, concurrency=concurrency, batch_max=batch_max))
    )
    return min(failed_at) if failed_at else None
