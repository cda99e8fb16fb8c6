"""A trigger with `each` fires once per item of the event's list: its `when` and the clock's subject read
the item's fields merged over the event's, so an assignment starts one clock per referral it carries."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sla.policy import DEFAULT_POLICY_PATH, PolicyError, SlaPolicy
from sla.stamping import clock_stamps, clocks_cancelled

AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
POLICY = SlaPolicy.load()


def assignment(agency: str, *referrals: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": "case-1",
        "agency": agency,
        "priority": "P1",
        "area": "urban",
        "referrals": list(referrals),
        "assigned_at": AT.isoformat(),
    }


def item(referral_id: str, task: str, *, emergency: bool = False) -> dict[str, Any]:
    return {"referral_id": referral_id, "task": task, "role": "lead", "emergency": emergency}


def started(payload: dict[str, Any]) -> set[tuple[str, str]]:
    stamps = clock_stamps("referrals.assigned.v1", payload, policy=POLICY, at=AT)
    assert {s.action for s in stamps} <= {"start"}
    return {(s.clock, s.subject_id) for s in stamps}


def test_each_item_starts_its_own_clocks_with_when_read_from_the_item() -> None:
    police = assignment(
        "police", item("f1", "emergency_response", emergency=True), item("f2", "judicial_protection")
    )
    assert started(police) == {
        ("referral.acceptance", "f1"),
        ("referral.acceptance", "f2"),
        ("police.first_dispatch", "f1"),  # emergency is the item's field, agency the event's
    }
    health = assignment("health", item("f3", "medical_protection"), item("f4", "psychological_care"))
    assert started(health) == {
        ("referral.acceptance", "f3"),
        ("referral.acceptance", "f4"),
        ("health.admission", "f3"),
    }


def test_an_item_field_wins_over_the_events_and_no_items_start_nothing() -> None:
    # an item naming another agency is read as that agency's
    mixed = assignment("health", item("f5", "emergency_response", emergency=True) | {"agency": "police"})
    assert ("police.first_dispatch", "f5") in started(mixed)
    assert started(assignment("police")) == set()
    assert started({"case_id": "case-1", "agency": "police", "referrals": "not a list"}) == set()


def test_each_works_for_stops_and_cancels_too() -> None:
    raw = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    clock = raw["clocks"]["referral.acceptance"]
    clock["stops"] = [*clock["stops"], {"event": "referrals.accepted.v1", "each": "referrals"}]
    clock["cancels"] = [*clock["cancels"], {"event": "referrals.withdrawn.v1", "each": "referrals"}]
    policy = SlaPolicy.from_dict(raw)
    payload = assignment("education", item("f6", "education_support"), item("f7", "aid"))

    stops = clock_stamps("referrals.accepted.v1", payload, policy=policy, at=AT)
    assert {(s.action, s.clock, s.subject_id) for s in stops} == {
        ("stop", "referral.acceptance", "f6"),
        ("stop", "referral.acceptance", "f7"),
    }
    cancelled = clocks_cancelled("referrals.withdrawn.v1", payload, policy=policy)
    assert {(spec.name, subject) for spec, subject in cancelled} == {
        ("referral.acceptance", "f6"),
        ("referral.acceptance", "f7"),
    }


def test_each_must_name_a_field() -> None:
    raw = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    raw["clocks"]["referral.acceptance"]["starts"][1]["each"] = "Referrals[]"
    with pytest.raises(PolicyError, match=r"clocks\.referral\.acceptance\.starts\.1\.each"):
        SlaPolicy.from_dict(raw)
