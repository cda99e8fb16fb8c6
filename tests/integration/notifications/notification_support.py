"""Events addressed to the police, emitted as routing would, and the subscription a test registers."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from backbone.service import ServiceDefinition
from backbone.settings import Settings
from backbone.system import System
from contracts.events.routing import CasePriorityRaised, ReferralCreated, SlaBreached, SlaWarning
from tests.support import system as support
from tests.support.deadline_events import emit

# Routing and the police only emit here, as their services would: notifications applies it all.
routing = ServiceDefinition(name="routing", title="routing emitter")
police = ServiceDefinition(name="police", title="police emitter")


def notifications_settings(database_url: str, bootstrap: str, namespace: str, data_dir: Path) -> Settings:
    """Kafka and PostgreSQL, receivers on loopback allowed, the worker looking often."""
    return Settings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        KAFKA_NAMESPACE=namespace,
        BACKBONE_TRANSPORT="kafka",
        WEBHOOK_ALLOW_LOOPBACK=True,
        WEBHOOK_POLL_SECONDS=0.05,
        **support.test_identity(data_dir),
    )


async def subscribe(client: httpx.AsyncClient, url: str, event_types: list[str]) -> dict:
    answer = await client.post(
        "/notifications/v1/subscriptions", json={"url": url, "event_types": event_types}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def referral(case_id: str, at: datetime, agency: str = "police") -> ReferralCreated:
    return ReferralCreated(
        referral_id=f"ref-{uuid.uuid4().hex[:8]}",
        case_id=case_id,
        child_id=f"child-{case_id}",
        agency=agency,
        task="emergency_response",
        role="lead",
        priority="P2",
        emergency=False,
        categories=["abuse"],
        district="370702",
        area="urban",
        rule_version="test",
        reason="triage",
        created_at=at,
    )


def alert(kind: type, case_id: str, at: datetime, **extra: object):
    return kind(
        case_id=case_id,
        agency="police",
        clock="referral.acceptance",
        subject_id=f"ref-{case_id}",
        started_at=at,
        due_at=at + timedelta(hours=1),
        policy_version="test",
        fired_at=at,
        **extra,
    )


async def emit_case_story(system: System, case_id: str, at: datetime) -> list[str]:
    """A referral, its priority raised, a warning and a breach, in this order; returns their types."""
    events = [
        referral(case_id, at),
        CasePriorityRaised(
            case_id=case_id, previous_priority="P2", priority="P1", reason="injury", raised_at=at
        ),
        alert(SlaWarning, case_id, at, threshold=0.5),
        alert(SlaBreached, case_id, at, late_by_seconds=1, notify="police.supervisor"),
    ]
    for event in events:
        await emit(system, "routing", event, case_id=case_id)
    return [event.TYPE for event in events]
