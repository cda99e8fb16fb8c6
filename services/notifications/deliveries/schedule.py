"""When a failed delivery is tried again, and when it is given up (dead-lettered): pure decisions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_STEP = re.compile(r"^(\d+)([smhd])$")


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """`"5s,5m,30m,2h"` -> the waits between attempts; a malformed step is a ValueError naming it."""
    steps = []
    for index, part in enumerate(p.strip() for p in text.split(",")):
        match = _STEP.match(part)
        if not match or int(match[1]) == 0:
            raise ValueError(f"retry schedule step {index + 1} is not a positive duration like 5s, 5m, 2h")
        steps.append(timedelta(**{_UNITS[match[2]]: int(match[1])}))
    return tuple(steps)


@dataclass(frozen=True)
class RetrySchedule:
    """Exponential-looking waits as a list (the default spans more than 24 hours), with upward jitter."""

    waits: Sequence[timedelta]
    # Each wait is stretched by up to this fraction at random, so receivers coming back are not stampeded;
    # only stretched, never shortened, so the schedule's span is a lower bound.
    jitter: float = 0.1

    @property
    def window(self) -> timedelta:
        """How long a delivery is retried at least, counted from when its event was queued."""
        return sum(self.waits, timedelta())

    def after_failure(
        self, *, attempts: int, queued_at: datetime, now: datetime, draw: float
    ) -> datetime | None:
        """The next attempt after the `attempts`-th failed one at `now`, or None: dead-letter it.

        `draw` is a uniform random number in [0, 1). A delivery that waited behind an earlier one of its
        case past its whole window is given up after its first failed attempt: the receiver has been
        failing for at least the window.
        """
        if attempts > len(self.waits) or now - queued_at >= self.window:
            return None
        return now + self.waits[attempts - 1] * (1 + self.jitter * draw)
