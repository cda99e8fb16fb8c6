"""Stamping events with the deadlines they start or stop (the envelope's `sla` extension).

Every service stamps what it emits from the same versioned policy, so a clock starts and stops on
whichever service's event the policy names; routing's durable clocks then apply the stamps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from backbone.sla.clock import Clock
from backbone.sla.policy import REFERRAL_AGENCY, ClockSpec, SlaPolicy
from contracts.envelope import Event, SlaClockRef


@lru_cache
def active_policy(path: str | None = None) -> SlaPolicy:
    """The policy in force: SLA_POLICY_PATH when a city ships its own, else the committed default."""
    return SlaPolicy.load(path)


def occurred_at(event: Event) -> datetime | None:
    """When the event happened in the world: by contract, its last `*_at` timestamp field."""
    stamps = [name for name in type(event).model_fields if name.endswith("_at")]
    return getattr(event, stamps[-1]) if stamps else None


def clock_subject(spec: ClockSpec, payload: Mapping[str, Any]) -> str | None:
    """The referral or case one running clock of this spec is about."""
    return payload.get("referral_id") if spec.subject == "referral" else payload.get("case_id")


def clock_agency(spec: ClockSpec, payload: Mapping[str, Any]) -> str | None:
    """The agency accountable for the clock."""
    return payload.get("agency") if spec.agency == REFERRAL_AGENCY else spec.agency


def payload_occurred_at(payload: Mapping[str, Any]) -> datetime | None:
    """`occurred_at` for an event's JSON payload: its last `*_at` field (dumped in field order)."""
    stamps = [value for name, value in payload.items() if name.endswith("_at") and value]
    return datetime.fromisoformat(stamps[-1]) if stamps else None


def clocks_cancelled(
    event_type: str, payload: Mapping[str, Any], *, policy: SlaPolicy
) -> list[tuple[ClockSpec, str]]:
    """The (clock, subject) pairs this event ends without meeting them, as the policy's `cancels` say."""
    found = []
    for spec in policy.clocks_cancelled_by(event_type, payload):
        subject = clock_subject(spec, payload)
        if subject:
            found.append((spec, subject))
    return found


def sla_stamps(event: Event, *, policy: SlaPolicy, default_at: datetime) -> list[SlaClockRef]:
    """The clocks this event stops, then the ones it starts (a visit both stops and restarts one)."""
    payload = event.model_dump(mode="json")
    at = occurred_at(event) or default_at
    stamps: list[SlaClockRef] = []
    for spec in policy.clocks_stopped_by(event.TYPE, payload):
        subject, agency = clock_subject(spec, payload), clock_agency(spec, payload)
        if subject and agency:
            stamps.append(
                SlaClockRef(
                    clock=spec.name,
                    agency=agency,
                    action="stop",
                    subject_id=subject,
                    stopped_at=at,
                    policy_version=policy.version,
                )
            )
    for spec in policy.clocks_started_by(event.TYPE, payload):
        subject, agency = clock_subject(spec, payload), clock_agency(spec, payload)
        if not (subject and agency):
            continue
        clock = Clock.start(
            spec,
            case_id=payload["case_id"],
            subject=subject,
            at=at,
            priority=payload.get("priority"),
            area=payload.get("area"),
            agency=agency,
        )
        stamps.append(
            SlaClockRef(
                clock=spec.name,
                agency=agency,
                action="start",
                subject_id=subject,
                started_at=at,
                due_at=clock.due_at,
                policy_version=policy.version,
            )
        )
    return stamps
