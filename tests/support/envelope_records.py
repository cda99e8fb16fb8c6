"""Records made by the system's own code, as the relay hands them to Kafka: `uow.emit` builds the envelope,
`outbox_row` stores it (JSONB, which keeps no key order), the relay rebuilds it and `to_kafka` sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from backbone.messaging.outbox import OutboxRelay, outbox_row
from backbone.uow import UnitOfWork
from contracts.catalogue import load_catalogue, topic_of
from contracts.envelope import Event
from contracts.events.intake import ReportReceived
from contracts.events.routing import ReferralCreated, SlaBreached

AT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Record:
    """One Kafka record as the relay publishes it."""

    key: bytes
    headers: dict[str, bytes]
    value: bytes


def referral_created() -> ReferralCreated:
    return ReferralCreated(
        referral_id="ref-contract-1",
        case_id="case-contract-1",
        child_id="child-contract-1",
        agency="police",
        task="rescue_and_protection",
        role="lead",
        priority="P1",
        emergency=True,
        categories=["abuse"],
        district="370702",
        area="urban",
        rule_version="routing.v1",
        reason="triage",
        created_at=AT,
    )


def report_received() -> ReportReceived:
    return ReportReceived(
        report_id="report-contract-1",
        case_id="case-contract-1",
        child_id="child-contract-1",
        child_display_name="张**",
        child_gender="female",
        child_age_years=9,
        source="school",
        categories=["abuse"],
        immediate_danger=True,
        injured=True,
        occurred_at=AT - timedelta(hours=2),
        received_at=AT,
        district="370702",
        area="urban",
        new_case=True,
    )


def sla_breached() -> SlaBreached:
    return SlaBreached(
        case_id="case-contract-1",
        agency="police",
        clock="police.first_dispatch",
        subject_id="ref-contract-1",
        started_at=AT,
        due_at=AT + timedelta(minutes=5),
        policy_version="sla.v1",
        late_by_seconds=60,
        notify="police.supervisor",
        fired_at=AT + timedelta(minutes=6),
    )


# (publisher, event): one addressed to an agency, one not, one alert about an agency's deadline.
SAMPLES = (("routing", referral_created()), ("intake", report_received()), ("routing", sla_breached()))


def produced(service: str, event: Event) -> Record:
    """The record the system publishes for one event emitted by `service`."""
    uow = UnitOfWork(service=service, sessionmaker=None, catalogue=load_catalogue())  # type: ignore[arg-type]
    envelope = uow.emit(event, subject=event.case_id)
    row = outbox_row(envelope, topic=topic_of(service))
    stored = SimpleNamespace(**{**row, "payload": json.loads(json.dumps(row["payload"], sort_keys=True))})
    relay = OutboxRelay(service=service, engine=None, transport=None)  # type: ignore[arg-type]
    message = relay._message(stored)
    return Record(key=message.key, headers=dict(message.headers), value=message.value)
