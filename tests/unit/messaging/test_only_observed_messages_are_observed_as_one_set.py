"""A consumer's batch is applied in order as runs: a message with a handler alone (it may depend on what
came before it), consecutive messages no handler takes, only observed, as one set for the observers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from backbone.messaging.consumer import observed_runs


async def _handler(*_: Any) -> None:
    pass


def _delivery(name: str, *, handled: bool) -> Any:
    return SimpleNamespace(name=name, handler=_handler if handled else None)


def test_handled_messages_stay_alone_and_observed_ones_are_grouped() -> None:
    batch = [
        _delivery("a", handled=False),
        _delivery("b", handled=False),
        _delivery("c", handled=True),
        _delivery("d", handled=True),
        _delivery("e", handled=False),
        _delivery("f", handled=False),
        _delivery("g", handled=False),
    ]
    runs = observed_runs(list(enumerate(batch)))
    assert [[d.name for _, d in run] for run in runs] == [["a", "b"], ["c"], ["d"], ["e", "f", "g"]]
    assert [run[0][0] for run in runs] == [0, 2, 3, 4]  # a failure is reported at its run's first index


def test_an_empty_batch_has_no_runs() -> None:
    assert observed_runs([]) == []
