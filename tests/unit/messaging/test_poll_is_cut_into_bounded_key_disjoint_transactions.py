"""A poll is applied as few transactions as possible: one when it fits in CONSUMER_BATCH_MAX, else
key-disjoint lanes (up to CONSUMER_CONCURRENCY) of bounded transactions; a case keeps its order."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from backbone.messaging.batching import apply_batch, lanes, transactions


@dataclass(frozen=True)
class Item:
    key: bytes
    offset: int
    topic: str = "t"
    partition: int = 0


def poll(size: int, keys: int) -> list[Item]:
    return [Item(key=b"case-%02d" % (n % keys), offset=n) for n in range(size)]


def test_a_small_poll_is_one_transaction_in_lock_order() -> None:
    (lane,) = lanes(poll(30, keys=7), concurrency=4, batch_max=100)
    (transaction,) = transactions(lane, batch_max=100)
    assert [(i.key, i.offset) for i in transaction] == sorted((i.key, i.offset) for i in lane)


def test_a_large_poll_is_cut_into_key_disjoint_lanes_of_bounded_transactions() -> None:
    cut = lanes(poll(200, keys=9), concurrency=4, batch_max=60)

    assert len(cut) == 4
    keys = [{i.key for i in lane} for lane in cut]
    assert all(not (a & b) for n, a in enumerate(keys) for b in keys[n + 1 :])
    assert sorted(i.offset for lane in cut for i in lane) == list(range(200))
    for lane in cut:
        parts = transactions(lane, batch_max=60)
        assert all(len(part) <= 60 for part in parts)
        # consecutive: a later transaction of the lane holds only later messages
        assert all(max(i.offset for i in a) < min(i.offset for i in b) for a, b in pairwise(parts))


async def test_a_failed_transaction_stops_its_lane_and_reports_its_first_offset() -> None:
    applied: list[int] = []

    async def apply(items: list[Item]) -> None:
        if any(i.offset == 130 for i in items):
            raise ConnectionError("database gone")
        applied.extend(i.offset for i in items)

    items = [Item(key=b"case-a", offset=n) for n in range(200)]
    first_not_applied = await apply_batch(items, apply, concurrency=4, batch_max=50)

    assert first_not_applied == 100
    assert applied == list(range(100))
