"""An SLA clock: one deadline for one agency on one subject (a referral, a report, a case).

States::

    running --pause--> paused --resume--> running
    running --record_breach (at/after due)--> breached
    running | paused | breached --stop--> met (stopped at or before due) | met_late (after due)

A breached clock keeps counting toward the joint-meeting-office escalation until it is stopped, and
cannot be paused or re-graded: a missed deadline must stay visible to supervision (DOMAIN.md,
"Supervision"). The outcome follows the facts, not whether the timer loop got round to it: a stop past
due without a recorded breach is ``met_late``, and one reported on time is ``met`` even if the breach
was recorded while its event was on the way (the breach stays on record).

Checkpoints are identified by ``kind`` alone, so a timer loop that stores the fired kinds per clock
fires each exactly once, even across restarts, pauses and priority changes that move fire times.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .calendar import ZERO, Calendar, Interval, Target, calendar_for, require_aware
from .policy import ClockSpec, PlannedCheckpoint
from .records import Checkpoint, Pause, PriorityChange


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"
    CANCELLED = "cancelled"  # the case closed before the obligation was met: it no longer applies


OPEN_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED, ClockState.BREACHED})


class ClockError(Exception):
    pass


class IllegalClockTransition(ClockError):
    """The clock's state does not allow this operation (e.g. resuming a running clock)."""


class ClockTimeError(ClockError, ValueError):
    """A timestamp earlier than the clock's last recorded change, or a breach recorded before due."""


class ClockSpecMismatch(ClockError):
    """A spec from another clock or policy version was applied to this clock."""


@dataclass
class Clock:
    name: str
    agency: str
    case_id: str
    subject: str
    policy_version: str
    timezone: str
    target: Target
    plan: tuple[PlannedCheckpoint, ...]
    started_at: datetime
    priority: str | None = None
    area: str | None = None
    state: ClockState = ClockState.RUNNING
    pauses: list[Pause] = field(default_factory=list)
    stopped_at: datetime | None = None
    breached_at: datetime | None = None
    priority_changes: list[PriorityChange] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        spec: ClockSpec,
        *,
        case_id: str,
        subject: str,
        at: datetime,
        priority: str | None = None,
        area: str | None = None,
        agency: str | None = None,
    ) -> Clock:
        """Start ``spec`` at ``at``. ``agency`` is required when the spec's agency is the referral's."""
        require_aware(at, "at")
        resolved = spec.resolve_agency(agency)
        # Target and plan are copied in: a running clock keeps the policy it started under.
        return cls(
            name=spec.name,
            agency=resolved,
            case_id=case_id,
            subject=subject,
            policy_version=spec.policy_version,
            timezone=spec.timezone,
            target=spec.target(priority, area),
            plan=spec.checkpoint_plan(resolved),
            started_at=at,
            priority=priority,
            area=area,
        )

    # -- transitions -------------------------------------------------------------------------------

    def pause(self, at: datetime, reason: str) -> None:
        self._require("pause", ClockState.RUNNING)
        self._check_time(at)
        if not reason.strip():
            raise ValueError("a pause needs a reason")
        due = self.due_at
        if due is not None and at >= due:
            raise IllegalClockTransition(f"{self.name} is overdue since {due.isoformat()}; cannot pause")
        self.pauses.append(Pause(started_at=at, reason=reason))
        self.state = ClockState.PAUSED

    def resume(self, at: datetime) -> None:
        self._require("resume", ClockState.PAUSED)
        self._check_time(at)
        self._end_open_pause(at)
        self.state = ClockState.RUNNING

    def record_breach(self, at: datetime) -> None:
        self._require("record a breach of", ClockState.RUNNING)
        self._check_time(at)
        due = self.due_at
        assert due is not None  # a running clock has no open pause
        if at < due:
            raise ClockTimeError(
                f"{self.name} is not due until {due.isoformat()}; no breach at {at.isoformat()}"
            )
        self.breached_at = at
        self.state = ClockState.BREACHED

    def stop(self, at: datetime) -> None:
        """Stop at `at`, which may precede a breach recorded while the stop was on its way (it stays)."""
        self._require("stop", *OPEN_STATES)
        self._check_time(at, since=self.last_change_but_breach)
        if self.state is ClockState.PAUSED:
            self._end_open_pause(at)
        self.stopped_at = at
        due = self.due_at
        assert due is not None  # no open pause remains
        self.state = ClockState.MET if at <= due else ClockState.MET_LATE

    def cancel(self, at: datetime) -> None:
        """End an obligation that no longer applies (its case was closed). Alerts already owed stay owed
        only if they fired; a cancelled clock fires nothing more and counts neither as met nor late."""
        self._require("cancel", *OPEN_STATES)
        self._check_time(at)
        if self.state is ClockState.PAUSED:
            self._end_open_pause(at)
        self.stopped_at = at
        self.state = ClockState.CANCELLED

    def change_priority(self, at: datetime, priority: str, spec: ClockSpec) -> None:
        """Re-grade the clock. Time already counted stays counted; only the target changes."""
        self._require("change the priority of", ClockState.RUNNING, ClockState.PAUSED)
        self._check_time(at)
        if (spec.name, spec.policy_version) != (self.name, self.policy_version):
            raise ClockSpecMismatch(
                f"spec {spec.name}@{spec.policy_version} does not govern {self.name}@{self.policy_version}"
            )
        new_target = spec.target(priority, self.area)
        self.priority_changes.append(PriorityChange(at, self.priority, priority, self.target, new_target))
        self.priority, self.target = priority, new_target
        open_pause = self._open_pause()
        if open_pause is not None:
            due = self.calendar.add(self.started_at, self.target.length, self._closed_pauses())
            # Under the new target the deadline fell before the pause began; an overdue clock may not
            # be paused (see pause()), so the pause ends now and the breach checkpoints come due.
            if due <= open_pause.started_at:
                self._end_open_pause(at)
                self.state = ClockState.RUNNING

    # -- queries -----------------------------------------------------------------------------------

    @property
    def calendar(self) -> Calendar:
        return calendar_for(self.target.kind, ZoneInfo(self.timezone))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def due_at(self) -> datetime | None:
        """Start plus target in the clock's calendar, pushed back by paused time.

        None while paused, unless the deadline fell before the pause began: how long the pause
        lasts is unknown, so a later deadline is not yet determined.
        """
        return self._fire_at(1.0)

    @property
    def due_provisional(self) -> bool:
        """Whether the due time counts working days of a year no calendar file covers yet."""
        due = self.due_at
        return due is not None and self.calendar.is_provisional(self.started_at, due)

    def checkpoints(self) -> list[Checkpoint]:
        """Checkpoints in firing order. Those beyond an open pause are left out until it ends, and a
        stopped clock keeps only those that fell before it stopped."""
        found: list[tuple[datetime, int, Checkpoint]] = []
        for index, planned in enumerate(self.plan):
            fire_at = self._fire_at(planned.fraction)
            if fire_at is None or (self.stopped_at is not None and fire_at >= self.stopped_at):
                continue
            found.append((fire_at, index, Checkpoint(planned.kind, fire_at, planned.notify)))
        return [checkpoint for _, _, checkpoint in sorted(found, key=lambda item: item[:2])]

    def due_checkpoints(self, now: datetime, already_fired: Set[str]) -> list[Checkpoint]:
        """Checkpoints due by ``now`` whose kind is not in ``already_fired``, oldest first.

        A stopped clock no longer returns warnings: they exist to help meet a deadline that is now
        settled. Breaches and escalations it missed while the loop was down are still returned.
        """
        require_aware(now, "now")
        if self.state is ClockState.CANCELLED:
            return []
        due = [cp for cp in self.checkpoints() if cp.fire_at <= now and cp.kind not in already_fired]
        if not self.is_open:
            due = [cp for cp in due if not cp.is_warning]
        return due

    def lateness(self, now: datetime) -> timedelta:
        """Wall time past due: up to ``now`` while open, up to the stop once stopped; zero if on time."""
        require_aware(now, "now")
        due = self.due_at
        if due is None:
            return ZERO
        end = self.stopped_at if self.stopped_at is not None else now
        return max(ZERO, end - due)

    # -- internals ---------------------------------------------------------------------------------

    def _fire_at(self, fraction: float) -> datetime | None:
        fire_at = self.calendar.add(self.started_at, self.target.length * fraction, self._closed_pauses())
        open_pause = self._open_pause()
        if open_pause is not None and fire_at > open_pause.started_at:
            return None
        return fire_at

    def _closed_pauses(self) -> list[Interval]:
        return [(p.started_at, p.ended_at) for p in self.pauses if p.ended_at is not None]

    def _open_pause(self) -> Pause | None:
        if self.pauses and self.pauses[-1].ended_at is None:
            return self.pauses[-1]
        return None

    def _end_open_pause(self, at: datetime) -> None:
        self.pauses[-1] = replace(self.pauses[-1], ended_at=at)

    def _require(self, action: str, *allowed: ClockState) -> None:
        if self.state not in allowed:
            raise IllegalClockTransition(f"cannot {action} {self.name} while it is {self.state}")

    @property
    def last_change(self) -> datetime:
        """When the clock last changed: no later transition may be dated before it."""
        return max(self.last_change_but_breach, self.breached_at or self.started_at)

    @property
    def last_change_but_breach(self) -> datetime:
        """The last change other than a recorded breach: the earliest a stop may be dated."""
        return max(
            [self.started_at, *(p.started_at for p in self.pauses)]
            + [p.ended_at for p in self.pauses if p.ended_at is not None]
            + [c.at for c in self.priority_changes]
            + ([self.stopped_at] if self.stopped_at is not None else [])
        )

    def _check_time(self, at: datetime, since: datetime | None = None) -> None:
        # Transitions must not rewrite history: each one happens no earlier than the last recorded one.
        require_aware(at, "at")
        last = self.last_change if since is None else since
        if at < last:
            raise ClockTimeError(f"{at.isoformat()} is before the clock's last change at {last.isoformat()}")
