"""Rows of routing's `routing_sla_clocks`, made by the real domain objects, for COPY.

Every clock is a `sla.clock.Clock` started under the real policy and stored with
`SlaClockRow.hold`, which derives state, due_at and next_fire_at exactly as routing does. Clocks that
fall due during a measurement are made one by one. The background clocks (up to a million) reuse a
few thousand such clocks as templates and only get their own id, case and subject, so that making
them takes seconds, not minutes; their due times are spread over the templates' start times.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from services.routing.deadlines.models import SlaClockRow
from sla.clock import Clock
from sla.stamping import active_policy

COLUMNS = (
    "id",
    "clock",
    "agency",
    "case_id",
    "subject_id",
    "policy_version",
    "state",
    "warned",
    "started_at",
    "due_at",
    "stopped_at",
    "next_fire_at",
    "fired",
    "clock_state",
    "updated_at",
)
# (clock, priority, area, agency): deadlines of an hour or more, so none falls due during a run.
BACKGROUND_KINDS = (
    ("referral.acceptance", "P1", None, "police"),
    ("referral.acceptance", "P2", None, "health"),
    ("referral.acceptance", "P2", None, "education"),
    ("referral.acceptance", "P3", None, "civil_affairs"),
    ("health.admission", None, None, "health"),
    ("civil_affairs.placement", None, None, "civil_affairs"),
    ("assessment", "P2", None, "civil_affairs"),
    ("assessment", "P3", None, "civil_affairs"),
)
CASE, SUBJECT = "@@case@@", "@@subject@@"


def _row(clock: Clock, *, row_id: str, now: datetime, fired: tuple[str, ...] = ()) -> SlaClockRow:
    row = SlaClockRow(
        id=row_id,
        clock=clock.name,
        agency=clock.agency,
        case_id=clock.case_id,
        subject_id=clock.subject,
        policy_version=clock.policy_version,
        state=clock.state.value,
        started_at=clock.started_at,
        clock_state={},
        updated_at=now,
        fired=list(fired),
        warned=any(kind.startswith("warning_") for kind in fired),
    )
    row.hold(clock, now=now)
    return row


def _record(row: SlaClockRow, clock_state: str | None = None) -> tuple:
    values = {name: getattr(row, name) for name in COLUMNS}
    values["clock_state"] = clock_state if clock_state is not None else json.dumps(row.clock_state)
    return tuple(values[name] for name in COLUMNS)


def due_clocks(count: int, *, first_due: datetime, window: float, now: datetime) -> list[tuple]:
    """`count` running P1 police-dispatch clocks whose breach falls due evenly over `window` seconds.

    Their warnings (at 50 % and 75 % of the 3 minutes) are marked fired already, so the breach is the
    next and only checkpoint inside the window: one sla.breached event per clock.
    """
    spec = active_policy().clock("police.first_dispatch")
    length = timedelta(minutes=3)  # its P1 target
    records = []
    for index in range(count):
        due = first_due + timedelta(seconds=window * index / max(1, count - 1))
        clock = Clock.start(
            spec,
            case_id=f"bench-due-case-{index}",
            subject=f"bench-due-{uuid.uuid4()}",
            at=due - length,
            priority="P1",
            area="urban",
            agency="police",
        )
        row = _row(
            clock,
            row_id=f"bench-due-{index}-{uuid.uuid4().hex[:8]}",
            now=now,
            fired=("warning_50", "warning_75"),
        )
        assert row.next_fire_at == row.due_at == due, "the breach must be the next checkpoint"
        records.append(_record(row))
    return records


def _templates(count: int, *, now: datetime, horizon: timedelta, seed: int) -> list[tuple[SlaClockRow, str]]:
    policy, rng = active_policy(), random.Random(seed)
    templates = []
    while len(templates) < count:
        name, priority, area, agency = BACKGROUND_KINDS[len(templates) % len(BACKGROUND_KINDS)]
        started = now - timedelta(seconds=rng.uniform(0, 20 * 60))
        clock = Clock.start(
            policy.clock(name),
            case_id=CASE,
            subject=SUBJECT,
            at=started,
            priority=priority,
            area=area,
            agency=agency,
        )
        row = _row(clock, row_id="template", now=now)
        if row.next_fire_at is None or row.next_fire_at < now + horizon:
            continue  # would fire during the run; draw another start time
        templates.append((row, json.dumps(row.clock_state)))
    return templates


def background_clocks(
    count: int, *, now: datetime, horizon: timedelta, chunk: int = 50_000, first: int = 0, seed: int = 7
) -> Iterator[list[tuple]]:
    """`count` running clocks none of which has a checkpoint before `now + horizon`, in chunks."""
    templates = _templates(min(count, 4000), now=now, horizon=horizon, seed=seed) if count else []
    case_at, subject_at = COLUMNS.index("case_id"), COLUMNS.index("subject_id")
    id_at, state_at = COLUMNS.index("id"), COLUMNS.index("clock_state")
    base = [_record(row) for row, _ in templates]
    batch: list[tuple] = []
    for index in range(first, first + count):
        slot = index % len(templates)
        values = list(base[slot])
        case, subject = f"bench-case-{index}", f"bench-ref-{index}"
        values[id_at] = f"bench-bg-{index}"
        values[case_at], values[subject_at] = case, subject
        values[state_at] = templates[slot][1].replace(CASE, case).replace(SUBJECT, subject)
        batch.append(tuple(values))
        if len(batch) >= chunk:
            yield batch
            batch = []
    if batch:
        yield batch
