"""Building agencies' events, publishing them to routing, and reading routing's case API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import text

from backbone.clock import utcnow
from backbone.messaging.transport import OutgoingMessage
from backbone.system import System
from contracts.catalogue import topic_of
from contracts.envelope import CloudEvent, Event
from contracts.events.agencies import (
    ReferralAccepted,
    ReferralDeclined,
    ReferralDeclinedV1,
    ReferralHeld,
    ReferralProgressNoted,
    ReferralResumed,
)
from contracts.events.intake import ReportReceived
from tests.support.topics import topic_reader
from tests.support.waiting import eventually

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def report(case_id: str, **changes: Any) -> ReportReceived:
    """A new report of a 9-year-old girl; `changes` override any field."""
    fields: dict[str, Any] = {
        "report_id": new_id("report"),
        "case_id": case_id,
        "child_id": "child-" + case_id,
        "child_display_name": "张**",
        "child_gender": "female",
        "child_age_years": 9,
        "source": "school",
        "categories": ["abuse"],
        "immediate_danger": False,
        "injured": False,
        "occurred_at": NOW,
        # Received now: the reporter.feedback deadline it starts (days long) is not overdue on arrival.
        "received_at": utcnow(),
        "district": "370702",
        "area": "urban",
        "new_case": True,
    }
    return ReportReceived(**(fields | changes))


def envelope_of(event: Event, *, publisher: str, case_id: str | None = None) -> CloudEvent:
    """The envelope a publisher's outbox would send (routing derives the deadlines it starts or stops)."""
    return CloudEvent.of(
        event.model_dump(mode="json"),
        source=f"/{publisher}",
        type=event.TYPE,
        subject=case_id or event.case_id,
        time=utcnow(),
    )


def message(envelope: CloudEvent) -> OutgoingMessage:
    key, headers, value = envelope.to_kafka()
    return OutgoingMessage(topic=topic_of(envelope.source.strip("/")), key=key, headers=headers, value=value)


def accepted(referral: dict[str, Any]) -> ReferralAccepted:
    return ReferralAccepted(
        referral_id=referral["referral_id"],
        case_id=referral["case_id"],
        agency=referral["agency"],
        task=referral["task"],
        role=referral["role"],
        priority=referral["priority"],
        accepted_at=NOW,
    )


def _about(referral: dict[str, Any]) -> dict[str, Any]:
    return {k: referral[k] for k in ("referral_id", "case_id", "agency", "task", "role", "priority")}


def declined(referral: dict[str, Any], reason: str = "not ours to handle") -> ReferralDeclined:
    return ReferralDeclined(**_about(referral), reason=reason, reason_code="outside_mandate", declined_at=NOW)


def declined_v1(referral: dict[str, Any], reason: str = "not ours to handle") -> ReferralDeclinedV1:
    """A decline as agencies sent it before reason codes (referral.declined.v1)."""
    return ReferralDeclinedV1(**_about(referral), reason=reason, declined_at=NOW)


def held(referral: dict[str, Any], at: datetime = NOW, reason: str = "waiting on the court") -> ReferralHeld:
    return ReferralHeld(**_about(referral), reason=reason, held_at=at)


def resumed(referral: dict[str, Any], held_at: datetime, at: datetime) -> ReferralResumed:
    return ReferralResumed(**_about(referral), held_at=held_at, resumed_at=at)


def noted(referral: dict[str, Any], note: str, at: datetime = NOW) -> ReferralProgressNoted:
    return ReferralProgressNoted(
        **_about(referral), note_id=new_id("note"), note=note, author="staff-007", noted_at=at
    )


def referral_of(case: dict[str, Any], agency: str, task: str, role: str = "lead") -> dict[str, Any]:
    """The case's one referral to the agency for the task and role."""
    [found] = [r for r in case["referrals"] if (r["agency"], r["task"], r["role"]) == (agency, task, role)]
    return found | {"case_id": case["case_id"]}


@dataclass
class Routing:
    system: System
    client: httpx.AsyncClient

    async def publish(self, *envelopes: CloudEvent) -> None:
        """Deliver envelopes as their publishers would, in order."""
        await self.system.transport.publish([message(e) for e in envelopes])

    async def send(self, event: Event, *, publisher: str) -> CloudEvent:
        """Publish one event from an agency; return its envelope."""
        envelope = envelope_of(event, publisher=publisher)
        await self.publish(envelope)
        return envelope

    async def case(self, case_id: str) -> dict[str, Any] | None:
        response = await self.client.get(f"/routing/v1/cases/{case_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    async def case_when(self, case_id: str, until: Any, what: str) -> dict[str, Any]:
        """The case once `until(case)` holds."""
        return await eventually(
            lambda: self.case(case_id), until=lambda c: c is not None and until(c), what=what
        )

    async def opened(self, event: ReportReceived) -> dict[str, Any]:
        """Send a new report and wait for its case and every referral triage planned."""
        envelope = await self.send(event, publisher="intake")
        return await self.case_when(
            event.case_id, lambda c: bool(c["referrals"]) and has_event(c, envelope.id), "case opened"
        )

    async def applied(self, event: Event, *, publisher: str) -> dict[str, Any]:
        """Send an agency event and wait until it is on the case's timeline."""
        envelope = await self.send(event, publisher=publisher)
        return await self.case_when(
            event.case_id, lambda c: has_event(c, envelope.id), f"{event.TYPE} applied"
        )

    async def outbox_rows(self, case_id: str) -> int:
        """How many events routing has written for the case (its outbox is what it publishes), deadline
        alerts left out (see `types`)."""
        async with self.system.runtime("routing").engine.connect() as connection:
            return await connection.scalar(
                text(
                    "SELECT count(*) FROM outbox WHERE message_key = :case_id AND event_type NOT LIKE 'sla.%'"
                ),
                {"case_id": case_id},
            )

    async def emitted(self, until: Any, what: str) -> list[CloudEvent]:
        """Routing's published events (from its topic's beginning) once `until(events)` holds."""
        async with topic_reader(self.system.transport, topic_of("routing")) as received:

            async def events() -> list[CloudEvent]:
                return [CloudEvent.from_kafka(m.headers, m.value) for m in received]

            return await eventually(events, until=until, what=what)


def has_event(case: dict[str, Any], event_id: str) -> bool:
    return any(entry["event_id"] == event_id for entry in case["timeline"])


def entries(case: dict[str, Any], *, with_deadlines: bool = False) -> list[dict[str, Any]]:
    """The case's timeline in order; deadline alerts (sla.*) left out unless asked for: the clocks
    events dated `NOW` start (days ago) fire theirs as soon as they start, at whatever point the
    timer gets to them."""
    return [t for t in case["timeline"] if with_deadlines or not t["type"].startswith("sla.")]


def types(case: dict[str, Any], *, with_deadlines: bool = False) -> list[str]:
    """Event types on the case's timeline in order (see `entries`)."""
    return [t["type"] for t in entries(case, with_deadlines=with_deadlines)]
