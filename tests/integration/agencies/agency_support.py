"""Driving one agency service in a test: feed routing's events, call its REST API, read its outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import text

from backbone.clock import utcnow
from backbone.messaging.transport import OutgoingMessage
from backbone.system import System
from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent, Event
from contracts.events.routing import AssignedReferral, ReferralCreated, ReferralsAssigned
from sla.stamping import active_policy, envelope_stamps
from tests.support.paging import items
from tests.support.waiting import eventually


def referral_created(
    agency: str,
    *,
    task: str = "rescue_and_protection",
    priority: str = "P2",
    emergency: bool = False,
    role: str = "lead",
    area: str = "urban",
    case_id: str | None = None,
    created_at: datetime | None = None,
) -> ReferralCreated:
    """A referral routing would create, with fresh ids."""
    return ReferralCreated(
        referral_id=f"ref-{uuid.uuid4().hex[:10]}",
        case_id=case_id or f"case-{uuid.uuid4().hex[:10]}",
        child_id=f"child-{uuid.uuid4().hex[:10]}",
        agency=agency,
        task=task,
        role=role,
        priority=priority,
        emergency=emergency,
        categories=["abuse"],
        district="370702",
        area=area,
        rule_version="routing.v1",
        reason="triage",
        created_at=created_at or utcnow(),
    )


def referrals_assigned(
    agency: str, *tasks: tuple[str, str, bool], priority: str = "P1", case_id: str | None = None
) -> ReferralsAssigned:
    """An assignment routing would make: (task, role, emergency) per referral, fresh ids, no deadlines
    carried (the agency derives its own from the policy)."""
    return ReferralsAssigned(
        case_id=case_id or f"case-{uuid.uuid4().hex[:10]}",
        child_id=f"child-{uuid.uuid4().hex[:10]}",
        agency=agency,
        priority=priority,
        categories=["abuse"],
        district="370702",
        area="urban",
        rule_version="routing.v1",
        reason="triage",
        referrals=[
            AssignedReferral(
                referral_id=f"ref-{uuid.uuid4().hex[:10]}", task=task, role=role, emergency=emergency
            )
            for task, role, emergency in tasks
        ],
        assigned_at=utcnow(),
    )


@dataclass
class RunningAgency:
    """One agency service running on the real database, with the embedded transport."""

    name: str
    system: System
    client: httpx.AsyncClient

    async def feed(self, *events: Event, publisher: str = "routing") -> None:
        """Publish a service's events (routing's by default) on its topic, keyed by case like its relay;
        the agency derives the deadlines they start or stop from the policy itself."""
        messages = []
        for event in events:
            envelope = CloudEvent.of(
                event.model_dump(mode="json"),
                source=f"/{publisher}",
                type=event.TYPE,
                subject=event.case_id,
                time=utcnow(),
            )
            key, headers, value = envelope.to_kafka()
            messages.append(
                OutgoingMessage(topic=f"{publisher}.events", key=key, headers=headers, value=value)
            )
        await self.system.transport.publish(messages)

    async def inbox(self, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        return items(await self.client.get(f"/{self.name}/v1/referrals", params=params))

    async def receive(self, referral: ReferralCreated) -> dict[str, Any]:
        """Feed a referral and wait until the inbox shows it pending."""
        await self.feed(referral)
        pending = await eventually(
            lambda: self.inbox("pending"),
            until=lambda rows: any(r["referral_id"] == referral.referral_id for r in rows),
            what=f"{referral.referral_id} pending in the {self.name} inbox",
        )
        return next(r for r in pending if r["referral_id"] == referral.referral_id)

    async def referral(self, referral_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/{self.name}/v1/referrals/{referral_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """POST to the service's API, e.g. `referrals/ref-1/accept`."""
        return await self.client.post(f"/{self.name}/v1/{path}", json=body)

    async def step(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a step that must succeed."""
        response = await self.post(path, body)
        assert response.status_code in (200, 201), f"{path}: {response.status_code} {response.text}"
        return response.json()

    async def accepted(self, referral: ReferralCreated) -> dict[str, Any]:
        """Feed a referral and accept it."""
        await self.receive(referral)
        return await self.step(f"referrals/{referral.referral_id}/accept", {"officer": "staff-007"})

    async def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The envelopes the service emitted (sent or not), oldest first."""
        where = " WHERE event_type = :t" if event_type else ""
        query = f"SELECT payload FROM outbox{where} ORDER BY id"
        async with self.system.runtime(self.name).engine.connect() as connection:
            rows = await connection.execute(text(query), {"t": event_type} if event_type else {})
            return [row.payload for row in rows]

    async def emitted_types(self) -> list[str]:
        return [envelope["type"] for envelope in await self.outbox()]

    async def scalar(self, sql: str, **params: Any) -> Any:
        """One value from the service's own schema."""
        async with self.system.runtime(self.name).engine.connect() as connection:
            return await connection.scalar(text(sql), params)


def stamps(envelope: dict[str, Any], clock: str | None = None) -> list[dict[str, Any]]:
    """What the policy says an emitted envelope (an outbox row) starts and stops, for one clock or all."""
    event = CloudEvent.model_validate(envelope)
    derived = envelope_stamps(event, policy=active_policy(), catalogue=load_catalogue())
    return [s.as_json() for s in derived if clock is None or s.clock == clock]


def stamp(envelope: dict[str, Any], clock: str) -> dict[str, Any]:
    """The deadline the envelope's event starts or stops on one clock (fails if none)."""
    found = stamps(envelope, clock)
    assert found, f"{envelope['type']} starts or stops no {clock}: {stamps(envelope)}"
    return found[0]


def error_fields(response: httpx.Response) -> list[str]:
    """The field names a 422 answer points at (the last element of each `loc`)."""
    assert response.status_code == 422, response.text
    return [str(error["loc"][-1]) for error in response.json()["detail"]]
