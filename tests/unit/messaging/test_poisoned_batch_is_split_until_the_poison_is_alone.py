"""A batch a handler failed in is rolled back and applied again in parts until the poisoned message is
alone: it alone gets the retries and the dead letter, every other message is applied exactly once."""

from __future__ import annotations

from dataclasses import dataclass

from backbone.messaging.batching import BatchFailed, apply_splitting, in_lock_order


@dataclass(frozen=True)
class Item:
    key: bytes
    offset: int
    topic: str = "t"
    partition: int = 0


class FakeStore:
    """A transaction that fails (rolls back) when a poisoned item is in it, or at commit if told so."""

    def __init__(self, poisoned: set[int], *, fails_at_commit: bool = False) -> None:
        self.poisoned = poisoned
        self.fails_at_commit = fails_at_commit
        self.committed: list[Item] = []
        self.transactions = 0
        self.alone: list[Item] = []

    async def attempt(self, items: list[Item]) -> None:
        self.transactions += 1
        for index, item in enumerate(items):
            if item.offset in self.poisoned:
                raise BatchFailed(ValueError("poison"), None if self.fails_at_commit else index)
        self.committed.extend(items)

    async def apply_alone(self, item: Item) -> None:
        if item.offset in self.poisoned:
            self.alone.append(item)  # the consumer retries it, then dead-letters it
        else:
            await self.attempt([item])


def batch() -> list[Item]:
    return in_lock_order([Item(key=b"case-%d" % (n % 3), offset=n) for n in range(20)])


async def test_failure_pinned_on_a_message_splits_around_it() -> None:
    store = FakeStore(poisoned={7})
    await apply_splitting(batch(), store.attempt, store.apply_alone)

    assert [i.offset for i in store.alone] == [7]
    assert sorted(i.offset for i in store.committed) == [n for n in range(20) if n != 7]
    # the failed try, then before it, it alone (not a transaction: dead-lettered), after it
    assert store.transactions == 3


async def test_failure_at_commit_bisects_and_keeps_each_case_in_order() -> None:
    store = FakeStore(poisoned={4, 13}, fails_at_commit=True)
    await apply_splitting(batch(), store.attempt, store.apply_alone)

    assert sorted(i.offset for i in store.alone) == [4, 13]
    assert sorted(i.offset for i in store.committed) == [n for n in range(20) if n not in (4, 13)]
    for key in (b"case-0", b"case-1", b"case-2"):
        offsets = [i.offset for i in store.committed if i.key == key]
        assert offsets == sorted(offsets)
