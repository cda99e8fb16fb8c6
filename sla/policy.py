"""The SLA clock policy, loaded from data so a city changes deadlines by shipping a file, not code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .calendar import CalendarKind, Target, parse_iso_duration

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[1] / "contracts" / "policies" / "sla.v1.json"
# A clock whose agency is this word belongs to whichever agency the referral was sent to.
REFERRAL_AGENCY = "referral"
EVENT_TYPE = r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+\.v[0-9]+$"
Scalar = str | int | bool


class PolicyError(ValueError):
    """The policy file is missing, not JSON, or breaks a rule; the message names the file and field."""


class UnknownClockError(LookupError):
    pass


class TargetNotDefined(LookupError):
    """No target for the priority or area a clock was asked about."""


class TargetBy(StrEnum):
    PRIORITY = "priority"
    AREA = "area"
    NONE = "none"


TARGET_KEYS: dict[TargetBy, tuple[str, ...]] = {
    TargetBy.PRIORITY: ("P1", "P2", "P3"),
    TargetBy.AREA: ("urban", "suburban", "rural"),
    TargetBy.NONE: ("default",),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Trigger(_Frozen):
    """An event type, optionally narrowed by equality on payload fields (a list means any of).

    With `each`, the trigger fires once per item of the event's list field of that name (an assignment's
    `referrals`): `when`, and the clock's subject, are read from the item's fields merged over the
    event's top-level ones.
    """

    event: str = Field(pattern=EVENT_TYPE)
    when: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    each: str | None = Field(default=None, pattern=r"^[a-z][a-z_]*$")

    def matches(self, event_type: str, payload: Mapping[str, Any]) -> bool:
        return bool(self.subjects(event_type, payload))

    def subjects(self, event_type: str, payload: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
        """What the trigger fires on: the payload itself, or each item of `each` merged over it."""
        if event_type != self.event:
            return ()
        candidates: tuple[Mapping[str, Any], ...] = (payload,)
        if self.each is not None:
            items = payload.get(self.each)
            top = {key: value for key, value in payload.items() if key != self.each}
            candidates = tuple(
                top | dict(item)
                for item in (items if isinstance(items, list) else ())
                if isinstance(item, Mapping)
            )
        return tuple(candidate for candidate in candidates if self._holds(candidate))

    def _holds(self, payload: Mapping[str, Any]) -> bool:
        return all(
            key in payload and payload[key] in (wanted if isinstance(wanted, list) else [wanted])
            for key, wanted in self.when.items()
        )


class EscalationStep(_Frozen):
    kind: str = Field(pattern=r"^escalation_[a-z_]+$")
    at_target_multiple: float = Field(ge=1)
    # A fixed recipient, or "{agency}.<role>" resolved to the clock's agency when it starts.
    notify: str = Field(pattern=r"^(\{agency\}\.)?[a-z_]+(\.[a-z_]+)*$")


@dataclass(frozen=True)
class PlannedCheckpoint:
    """A checkpoint of a started clock: fires when ``fraction`` of its target has elapsed."""

    kind: str
    fraction: float
    notify: str


class ClockSpec(_Frozen):
    name: str
    policy_version: str
    timezone: str
    agency: str = Field(pattern=r"^[a-z_]+$")
    # What one running clock is about: a referral (keyed by referral_id) or the whole case (case_id).
    subject: Literal["referral", "case"]
    description: str = ""
    grounds: str = Field(min_length=1)
    notes: str = ""
    starts: tuple[Trigger, ...] = Field(min_length=1)
    stops: tuple[Trigger, ...] = Field(min_length=1)
    # Events that end the clock without meeting it: the obligation no longer applies (e.g. a declined
    # or completed referral), so it fires nothing more and counts neither as met nor as late.
    cancels: tuple[Trigger, ...] = ()
    calendar: CalendarKind
    target_by: TargetBy
    targets: dict[str, Target]
    warnings: tuple[float, ...]
    escalation: tuple[EscalationStep, ...]

    @model_validator(mode="before")
    @classmethod
    def _expand_targets(cls, data: Any) -> Any:
        # Targets are written in the clock's calendar unless they name their own (e.g. P3 in working days).
        if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
            return data
        default = data.get("calendar")
        kinds = {kind.value for kind in CalendarKind}
        if default not in kinds:
            raise ValueError(f"missing or unknown calendar {default!r}; expected one of {sorted(kinds)}")
        targets: dict[str, Any] = {}
        for key, raw in data["targets"].items():
            if isinstance(raw, Target):
                targets[key] = raw
                continue
            entry = dict(raw) if isinstance(raw, dict) else {"calendar": default, "amount": raw}
            kind = entry.pop("calendar", None)
            if kind not in kinds:
                raise ValueError(f"target {key}: missing or unknown calendar {kind!r}")
            amount = entry.pop("amount", None)
            if entry:
                raise ValueError(f"target {key}: unknown fields {sorted(entry)}")
            if kind == CalendarKind.WALL and isinstance(amount, str):
                amount = parse_iso_duration(amount)
            elif kind == CalendarKind.WORKING_DAYS and type(amount) is not int:
                # Checked here because validation would otherwise coerce "10" or 10.0 quietly.
                raise ValueError(f"target {key}: working days must be a whole number, got {amount!r}")
            targets[key] = {"kind": kind, "amount": amount}
        return {**data, "targets": targets}

    @model_validator(mode="after")
    def _complete(self) -> Self:
        expected = TARGET_KEYS[self.target_by]
        missing = [key for key in expected if key not in self.targets]
        if missing or len(self.targets) != len(expected):
            unknown = sorted(set(self.targets) - set(expected))
            raise ValueError(
                f"clock {self.name}: targets by {self.target_by} need exactly {list(expected)}; "
                f"missing {missing}, unexpected {unknown}"
            )
        if list(self.warnings) != sorted(set(self.warnings)) or not all(0 < w < 1 for w in self.warnings):
            raise ValueError(f"clock {self.name}: warnings must be ascending fractions between 0 and 1")
        if any(abs(w * 100 - round(w * 100)) > 1e-9 for w in self.warnings):
            raise ValueError(f"clock {self.name}: warnings must be whole percentages")
        if len({step.kind for step in self.escalation}) != len(self.escalation):
            raise ValueError(f"clock {self.name}: escalation kinds must be unique")
        return self

    def target(self, priority: str | None = None, area: str | None = None) -> Target:
        key = {TargetBy.PRIORITY: priority, TargetBy.AREA: area, TargetBy.NONE: "default"}[self.target_by]
        if key is None or key not in self.targets:
            raise TargetNotDefined(f"clock {self.name} has no target for {self.target_by}={key!r}")
        return self.targets[key]

    def resolve_agency(self, referral_agency: str | None = None) -> str:
        if self.agency != REFERRAL_AGENCY:
            if referral_agency not in (None, self.agency):
                raise ValueError(f"clock {self.name} belongs to {self.agency}, not {referral_agency}")
            return self.agency
        if not referral_agency:
            raise ValueError(f"clock {self.name} belongs to the referral's agency; pass it")
        return referral_agency

    def checkpoint_plan(self, agency: str) -> tuple[PlannedCheckpoint, ...]:
        # Order matters: at equal fire times the breach is reported before the escalation it causes.
        plan = [PlannedCheckpoint(f"warning_{round(w * 100)}", w, agency) for w in self.warnings]
        plan.append(PlannedCheckpoint("breach", 1.0, agency))
        for step in sorted(self.escalation, key=lambda s: s.at_target_multiple):
            plan.append(
                PlannedCheckpoint(step.kind, step.at_target_multiple, step.notify.format(agency=agency))
            )
        return tuple(plan)

    def is_started_by(self, event_type: str, payload: Mapping[str, Any] | None = None) -> bool:
        return any(trigger.matches(event_type, payload or {}) for trigger in self.starts)

    def is_stopped_by(self, event_type: str, payload: Mapping[str, Any] | None = None) -> bool:
        return any(trigger.matches(event_type, payload or {}) for trigger in self.stops)

    def is_cancelled_by(self, event_type: str, payload: Mapping[str, Any] | None = None) -> bool:
        return any(trigger.matches(event_type, payload or {}) for trigger in self.cancels)


class SlaPolicy(_Frozen):
    version: str = Field(min_length=1)
    timezone: str
    description: str = ""
    clocks: dict[str, ClockSpec] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _name_clocks(cls, data: Any) -> Any:
        # Each clock carries the policy's version and zone so a running clock needs no policy lookup.
        if not isinstance(data, dict) or not isinstance(data.get("clocks"), dict):
            return data
        injected = {"name", "policy_version", "timezone"}
        clocks = {}
        for name, doc in data["clocks"].items():
            if isinstance(doc, dict):
                if injected & doc.keys():
                    raise ValueError(f"clock {name}: {sorted(injected & doc.keys())} are set by the policy")
                doc = {
                    **doc,
                    "name": name,
                    "policy_version": data.get("version"),
                    "timezone": data.get("timezone"),
                }
            clocks[name] = doc
        return {**data, "clocks": clocks}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> SlaPolicy:
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            problems = "\n".join(
                f"  - {'.'.join(str(part) for part in err['loc']) or '<root>'}: {err['msg']}"
                for err in exc.errors()
            )
            raise PolicyError(f"invalid SLA policy {source}:\n{problems}") from exc

    @classmethod
    def load(cls, path: str | Path | None = None) -> SlaPolicy:
        """The policy at ``path``, or the committed default (parsed once per process)."""
        if path is None:
            return _default_policy()
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)
        except (OSError, ValueError) as exc:
            raise PolicyError(f"cannot read SLA policy {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise PolicyError(f"invalid SLA policy {path}: top level must be an object")
        return cls.from_dict(data, source=str(path))

    def clock(self, name: str) -> ClockSpec:
        try:
            return self.clocks[name]
        except KeyError:
            raise UnknownClockError(f"policy {self.version} has no clock {name!r}") from None

    def clocks_started_by(
        self, event_type: str, payload: Mapping[str, Any] | None = None
    ) -> tuple[ClockSpec, ...]:
        """Clocks this event starts; conditions are checked on ``payload`` and a missing field fails."""
        return tuple(spec for spec in self.clocks.values() if spec.is_started_by(event_type, payload))

    def clocks_stopped_by(
        self, event_type: str, payload: Mapping[str, Any] | None = None
    ) -> tuple[ClockSpec, ...]:
        return tuple(spec for spec in self.clocks.values() if spec.is_stopped_by(event_type, payload))

    def clocks_cancelled_by(
        self, event_type: str, payload: Mapping[str, Any] | None = None
    ) -> tuple[ClockSpec, ...]:
        return tuple(spec for spec in self.clocks.values() if spec.is_cancelled_by(event_type, payload))

    def starts(self, event_type: str, payload: Mapping[str, Any]) -> tuple[Fired, ...]:
        """Each clock this event starts with the payload it starts on: an `each` trigger starts it once
        per item (the item's fields merged over the event's)."""
        return tuple((s, p) for s in self.clocks.values() for p in _fired(s.starts, event_type, payload))

    def stops(self, event_type: str, payload: Mapping[str, Any]) -> tuple[Fired, ...]:
        """The same for the clocks it stops."""
        return tuple((s, p) for s in self.clocks.values() for p in _fired(s.stops, event_type, payload))

    def cancellations(self, event_type: str, payload: Mapping[str, Any]) -> tuple[Fired, ...]:
        """The same for the clocks it cancels."""
        return tuple((s, p) for s in self.clocks.values() for p in _fired(s.cancels, event_type, payload))


# A clock and the payload (an event's, or one of its items merged over it) a trigger fired on.
Fired = tuple[ClockSpec, Mapping[str, Any]]


def _fired(
    triggers: tuple[Trigger, ...], event_type: str, payload: Mapping[str, Any]
) -> tuple[Mapping[str, Any], ...]:
    # Two triggers firing on the same payload (or item) fire once.
    fired: list[Mapping[str, Any]] = []
    for trigger in triggers:
        fired.extend(p for p in trigger.subjects(event_type, payload) if p not in fired)
    return tuple(fired)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last duplicate silently; a clock defined twice is a mistake worth stopping on.
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates}")
    return dict(pairs)


@lru_cache(maxsize=1)
def _default_policy() -> SlaPolicy:
    return SlaPolicy.load(DEFAULT_POLICY_PATH)
