"""Which deadlines an event starts or stops, derived from the versioned policy (`sla.v1.json`).

Nothing is stamped on the envelope: each service keeping clocks (routing's durable clocks, each
agency's deadline view) derives, where it observes an envelope, what the policy says the event starts
and stops, from the event's type and data; the envelope's `time` (when it was emitted) is the default
moment for an event naming no time of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from contracts.catalogue import Catalogue
from contracts.envelope import CloudEvent, Event
from sla.clock import Clock
from sla.policy import REFERRAL_AGENCY, ClockSpec, SlaPolicy


@dataclass(frozen=True)
class ClockStamp:
    """A deadline an event starts or stops, as the policy says."""

    clock: str
    agency: str
    action: Literal["start", "stop"]
    # what the clock is about: a referral or case id
    subject_id: str
    policy_version: str
    started_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The stamp with ISO 8601 times (what tests and documents show)."""
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}


@lru_cache
def active_policy(path: str | None = None) -> SlaPolicy:
    """The policy in force: SLA_POLICY_PATH when a city ships its own, else the committed default."""
    return SlaPolicy.load(path)


def occurred_at(event: Event) -> datetime | None:
    """When the event happened in the world: by contract, its last `*_at` timestamp field."""
    stamps = [name for name in type(event).model_fields if name.endswith("_at")]
    return getattr(event, stamps[-1]) if stamps else None


def occurred_at_of(model: type[Event], payload: Mapping[str, Any]) -> datetime | None:
    """`occurred_at` for an event's JSON payload, the field order taken from its model.

    Not from the payload's own key order: an outbox row is JSONB, which does not keep it.
    """
    stamps = [name for name in model.model_fields if name.endswith("_at")]
    value = payload.get(stamps[-1]) if stamps else None
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def clock_subject(spec: ClockSpec, payload: Mapping[str, Any]) -> str | None:
    """The referral or case one running clock of this spec is about."""
    return payload.get("referral_id") if spec.subject == "referral" else payload.get("case_id")


def clock_agency(spec: ClockSpec, payload: Mapping[str, Any]) -> str | None:
    """The agency accountable for the clock."""
    return payload.get("agency") if spec.agency == REFERRAL_AGENCY else spec.agency


def clocks_cancelled(
    event_type: str, payload: Mapping[str, Any], *, policy: SlaPolicy
) -> list[tuple[ClockSpec, str]]:
    """The (clock, subject) pairs this event ends without meeting them, as the policy's `cancels` say."""
    found = []
    for spec, fired_on in policy.cancellations(event_type, payload):
        subject = clock_subject(spec, fired_on)
        if subject and (spec, subject) not in found:
            found.append((spec, subject))
    return found


# Events changing deadlines already open beyond the policy's stops and cancels: a case closed cancels
# all of its clocks, a hold pauses and a resume resumes a referral's, a priority raise regrades them.
CLOCK_CHANGING_FAMILIES = (
    "civil_affairs.case_closed.",
    "case.priority_raised.",
    "referral.held.",
    "referral.resumed.",
)


def changes_open_clocks(event_type: str, payload: Mapping[str, Any], *, policy: SlaPolicy) -> bool:
    """Whether the event cancels, pauses, resumes or regrades open clocks (not only stops or starts)."""
    return event_type.startswith(CLOCK_CHANGING_FAMILIES) or bool(
        clocks_cancelled(event_type, payload, policy=policy)
    )


def envelope_stamps(
    envelope: CloudEvent, *, policy: SlaPolicy, catalogue: Catalogue, agency: str | None = None
) -> list[ClockStamp]:
    """The deadlines an observed envelope's event stops and starts (only one agency's, if named); its
    `time`, when it was emitted, is the moment for an event naming none of its own."""
    model = catalogue.spec(envelope.type).model
    at = occurred_at_of(model, envelope.data) or envelope.time
    return clock_stamps(envelope.type, envelope.data, policy=policy, at=at, agency=agency)


def sla_stamps(event: Event, *, policy: SlaPolicy, default_at: datetime) -> list[ClockStamp]:
    """The same for an event not yet in an envelope (it would be emitted at `default_at`)."""
    at = occurred_at(event) or default_at
    return clock_stamps(event.TYPE, event.model_dump(mode="json"), policy=policy, at=at)


def clock_stamps(
    event_type: str, payload: Mapping[str, Any], *, policy: SlaPolicy, at: datetime, agency: str | None = None
) -> list[ClockStamp]:
    """The clocks this event stops, then the ones it starts (a visit both stops and restarts one);
    only those `agency` is accountable for, when it is given. A trigger with `each` stops or starts
    one clock per item of the event (an assignment's referrals), its subject read from the item."""
    stamps: list[ClockStamp] = []
    for spec, fired_on in policy.stops(event_type, payload):
        subject, accountable = clock_subject(spec, fired_on), clock_agency(spec, fired_on)
        if subject and accountable and agency in (None, accountable) and not _stamped(stamps, spec, subject):
            stamps.append(
                ClockStamp(
                    clock=spec.name,
                    agency=accountable,
                    action="stop",
                    subject_id=subject,
                    stopped_at=at,
                    policy_version=policy.version,
                )
            )
    starts: list[ClockStamp] = []
    for spec, fired_on in policy.starts(event_type, payload):
        subject, accountable = clock_subject(spec, fired_on), clock_agency(spec, fired_on)
        if not (subject and accountable and agency in (None, accountable)) or _stamped(starts, spec, subject):
            continue
        clock = Clock.start(
            spec,
            case_id=fired_on["case_id"],
            subject=subject,
            at=at,
            priority=fired_on.get("priority"),
            area=fired_on.get("area"),
            agency=accountable,
        )
        starts.append(
            ClockStamp(
                clock=spec.name,
                agency=accountable,
                action="start",
                subject_id=subject,
                started_at=at,
                due_at=clock.due_at,
                policy_version=policy.version,
            )
        )
    return stamps + starts


def _stamped(stamps: list[ClockStamp], spec: ClockSpec, subject: str) -> bool:
    # Two triggers of one clock firing on the same subject stamp it once.
    return any(stamp.clock == spec.name and stamp.subject_id == subject for stamp in stamps)
