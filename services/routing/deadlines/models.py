"""The clock table: queryable columns beside the whole domain clock, serialised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ARRAY, Column, DateTime, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from sla.clock import Clock, ClockState

CLOCK_ADAPTER: TypeAdapter[Clock] = TypeAdapter(Clock)


class SlaClockRow(SQLModel, table=True):
    __tablename__ = "routing_sla_clocks"

    id: str = Field(primary_key=True)
    clock: str
    agency: str
    case_id: str
    subject_id: str
    policy_version: str
    state: str
    warned: bool = False
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    due_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    stopped_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # When an escalation of this clock reached the joint meeting office (联席会议办公室).
    escalated_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # The due time counts Monday-Friday over a year the working-day calendar has no file for yet.
    due_provisional: bool = False
    next_fire_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    fired: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    clock_state: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    def domain(self) -> Clock:
        """The domain clock this row holds."""
        return CLOCK_ADAPTER.validate_python(self.clock_state)

    def hold(self, clock: Clock, *, now: datetime) -> None:
        """Store a clock's new state and the columns derived from it."""
        for name, value in held_columns(clock, fired=self.fired, now=now).items():
            setattr(self, name, value)


def held_columns(clock: Clock, *, fired: Sequence[str], now: datetime) -> dict[str, Any]:
    """The columns of a clock's row derived from its state (`fired`: the checkpoints already fired)."""
    # A settled clock keeps only the breach or escalation it may still owe; warnings are moot.
    pending = [
        cp.fire_at
        for cp in clock.checkpoints()
        if cp.kind not in fired and (clock.is_open or not cp.is_warning)
    ]
    if clock.state is ClockState.CANCELLED:
        pending = []
    return {
        "state": clock.state.value,
        "due_at": clock.due_at,
        "due_provisional": clock.due_provisional,
        "stopped_at": clock.stopped_at,
        "clock_state": CLOCK_ADAPTER.dump_python(clock, mode="json"),
        "next_fire_at": min(pending, default=None),
        "updated_at": now,
    }
