"""The one source of "now" for domain code, so tests can control time (SLA tests above all)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731
_controlled = False


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return _now()


def is_controlled() -> bool:
    """Whether a test controls time (loops that sleep until a due time must then look often: the test
    moves time without telling them)."""
    return _controlled


def set_clock(now: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); None restores the real one."""
    global _now, _controlled
    _now = now or (lambda: datetime.now(UTC))
    _controlled = now is not None
