"""Breaches and escalations are grouped per agency and district, oldest first."""

from datetime import UTC, datetime, timedelta

from services.ops.board import UNKNOWN_DISTRICT, lapses_by_agency_and_district

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def test_groups_oldest_first_with_districts_from_clocks_or_cases() -> None:
    breached = [
        {
            "case_id": "c1",
            "agency": "police",
            "clock": "police.first_dispatch",
            "due_at": at(10),
            "started_at": at(0),
            "district": "370702",
        },
        {
            "case_id": "c2",
            "agency": "police",
            "clock": "police.arrival",
            "due_at": at(5),
            "started_at": at(0),
            "district": "370702",
        },
        {
            "case_id": "c3",
            "agency": "health",
            "clock": "health.admission",
            "due_at": at(1),
            "started_at": at(0),
        },
    ]
    escalations = [
        {
            "case_id": "c4",
            "agency": "police",
            "clock": None,
            "cause": "referral_declined",
            "escalated_at": at(7),
        },
        {
            "case_id": "c5",
            "agency": "education",
            "clock": "referral.acceptance",
            "cause": "deadline",
            "escalated_at": at(20),
        },
    ]
    groups = lapses_by_agency_and_district(breached, escalations, {"c3": "370703", "c4": "370702"})
    assert [(g.agency, g.district) for g in groups] == [
        ("health", "370703"),
        ("police", "370702"),
        ("education", UNKNOWN_DISTRICT),
    ]
    police = groups[1]
    assert [(lapse.kind, lapse.case_id) for lapse in police.lapses] == [
        ("breach", "c2"),
        ("escalation", "c4"),
        ("breach", "c1"),
    ]
    assert (police.breaches, police.escalations) == (2, 1)
    assert groups[2].lapses[0].what == "referral.acceptance"
