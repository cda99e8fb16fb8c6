"""Building the events that start and stop deadlines, and reading the alerts routing emits."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import httpx

from backbone.messaging.transport import IncomingMessage
from backbone.system import System
from contracts.events.intake import ReportReceived
from contracts.events.police import PoliceDispatched
from tests.support.waiting import eventually


def violence_in_progress(*, case_id: str, at: datetime) -> ReportReceived:
    """A report of a child beaten right now: P1, so a police emergency referral."""
    return ReportReceived(
        report_id=f"report-{uuid.uuid4().hex[:8]}",
        case_id=case_id,
        child_id=f"child-{case_id}",
        child_display_name="王*",
        child_gender="male",
        child_age_years=7,
        source="hotline_12355",
        categories=["abuse"],
        immediate_danger=True,
        injured=False,
        occurred_at=at,
        received_at=at,
        district="370702",
        area="urban",
        new_case=True,
    )


async def report_p1_case(system: System, client: httpx.AsyncClient, *, case_id: str, at: datetime) -> dict:
    """Report violence in progress through intake's topic; return routing's police emergency referral."""
    await emit(system, "intake", violence_in_progress(case_id=case_id, at=at), case_id=case_id)

    async def police_referrals() -> list[dict]:
        answer = await client.get(f"/routing/v1/cases/{case_id}")
        if answer.status_code != 200:
            return []
        return [r for r in answer.json()["referrals"] if r["agency"] == "police" and r["emergency"]]

    [referral] = await eventually(police_referrals, until=lambda r: len(r) == 1, what="police referral")
    assert referral["role"] == "lead" and referral["task"] == "emergency_response"
    return {**referral, "case_id": case_id}


async def emit(system: System, service: str, event: object, *, case_id: str) -> None:
    """Emit an event as `service` would: state-free unit of work, outbox, relay."""
    async with system.runtime(service).unit_of_work() as uow:
        uow.emit(event, subject=case_id)
        await uow.commit()


async def dispatch(system: System, referral: dict, *, at: datetime) -> None:
    event = PoliceDispatched(
        referral_id=referral["referral_id"],
        case_id=referral["case_id"],
        unit="patrol-7",
        area="urban",
        dispatched_at=at,
    )
    await emit(system, "police", event, case_id=referral["case_id"])


def alerts(messages: list[IncomingMessage], *, type_prefix: str, clock: str) -> list[dict]:
    """The SLA alerts of one kind and clock among the messages read from routing.events."""
    found = []
    for message in messages:
        if message.headers.get("ce_type", b"").decode().startswith(type_prefix):
            data = json.loads(message.value)
            if data["clock"] == clock:
                found.append(data)
    return found
