"""What a clock records of itself: its pauses, its priority changes, and the checkpoints it plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calendar import Target


@dataclass(frozen=True)
class Pause:
    started_at: datetime
    reason: str
    ended_at: datetime | None = None


@dataclass(frozen=True)
class PriorityChange:
    at: datetime
    old_priority: str | None
    new_priority: str
    old_target: Target
    new_target: Target


@dataclass(frozen=True)
class Checkpoint:
    kind: str
    fire_at: datetime
    notify: str

    @property
    def is_warning(self) -> bool:
        return self.kind.startswith("warning_")
