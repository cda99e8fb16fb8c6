"""A controllable clock for deadline tests: domain code reads it through backbone.clock.utcnow()."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backbone.clock import set_clock


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """Time stands still until the test advances it (a Thursday morning, Beijing time)."""
    clock = FakeClock(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(None)
