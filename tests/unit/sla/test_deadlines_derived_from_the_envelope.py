"""Which deadlines an envelope's event starts or stops comes from the policy, the event's type and data
(in its model's field order, whatever order the stored JSON kept) and the envelope's time."""

from __future__ import annotations

import json
from datetime import timedelta

from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent
from sla.stamping import active_policy, envelope_stamps
from tests.support.envelope_records import AT, referral_created, report_received


def _envelope(event, **attributes) -> CloudEvent:
    # Keys sorted, as a JSONB outbox row gives them back.
    data = json.loads(json.dumps(event.model_dump(mode="json"), sort_keys=True))
    return CloudEvent.of(data, source="/routing", type=event.TYPE, subject=event.case_id, **attributes)


def test_a_police_emergency_referral_starts_first_dispatch_and_acceptance() -> None:
    stamps = envelope_stamps(
        _envelope(referral_created()), policy=active_policy(), catalogue=load_catalogue()
    )

    assert {(s.clock, s.action, s.agency, s.subject_id) for s in stamps} >= {
        ("police.first_dispatch", "start", "police", "ref-contract-1"),
        ("referral.acceptance", "start", "police", "ref-contract-1"),
    }
    assert {s.started_at for s in stamps} == {AT}  # created_at, not the envelope's time


def test_the_report_starts_at_its_last_time_field_not_the_first() -> None:
    event = report_received()  # occurred_at two hours before received_at
    [stamp] = envelope_stamps(
        _envelope(event, time=AT + timedelta(hours=1)), policy=active_policy(), catalogue=load_catalogue()
    )
    assert (stamp.clock, stamp.started_at) == ("reporter.feedback", event.received_at)


def test_only_the_named_agencys_deadlines() -> None:
    envelope = _envelope(referral_created())
    policy, catalogue = active_policy(), load_catalogue()

    assert envelope_stamps(envelope, policy=policy, catalogue=catalogue, agency="health") == []
    assert envelope_stamps(envelope, policy=policy, catalogue=catalogue, agency="police") == envelope_stamps(
        envelope, policy=policy, catalogue=catalogue
    )
