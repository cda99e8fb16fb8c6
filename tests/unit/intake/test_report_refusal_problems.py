"""A refused report names each bad field and says what is wrong, never echoing a value."""

from datetime import UTC, datetime

import pytest

from backbone.clock import set_clock
from services.intake.reports.idempotency import fingerprint
from services.intake.reports.service import InvalidReport, validate_submission
from tests.support.keys import fixed_ring


def test_problems_name_fields_without_values() -> None:
    body = {
        "source": "school",
        "reporter": {"name": "王老师", "phone": "13812345678"},
        "child": {"name": "张小明", "gender": "male", "district": "370702", "age": 19, "id_number": "123"},
        "incident": {"categories": ["abuse"]},
    }

    with pytest.raises(InvalidReport) as refused:
        validate_submission(body=body)

    problems = refused.value.problems
    assert {tuple(p["loc"]) for p in problems} >= {
        ("child", "age"),
        ("child", "id_number"),
        ("incident", "description"),
    }
    assert all(set(p) == {"loc", "msg", "type"} for p in problems)
    assert "张小明" not in str(problems)
    assert "19" not in str([p["msg"] for p in problems if p["loc"] == ["child", "age"]])


def test_the_intake_clock_decides_what_is_in_the_future() -> None:
    body = {
        "source": "public",
        "reporter": {"name": "李女士", "phone": "13812345678"},
        "child": {"gender": "unknown", "district": "370702"},
        "incident": {
            "categories": ["abandonment"],
            "description": "弃婴",
            "occurred_at": "2030-01-01T08:00:00+08:00",
            "location": {"district": "370702", "area": "urban"},
            "immediate_danger": True,
            "injured": False,
        },
    }
    set_clock(lambda: datetime(2030, 1, 1, 1, 0, tzinfo=UTC))
    try:
        assert validate_submission(body=body).incident.occurred_at.year == 2030
    finally:
        set_clock(None)
    with pytest.raises(InvalidReport):
        validate_submission(body=body)


def test_the_fingerprint_ignores_key_order_but_not_values() -> None:
    ring = fixed_ring()
    assert fingerprint(ring, {"a": 1, "b": [1, 2]}) == fingerprint(ring, {"b": [1, 2], "a": 1})
    assert fingerprint(ring, {"a": 1}) != fingerprint(ring, {"a": 2})
    assert fingerprint(ring, {"a": 1}) != fingerprint(fixed_ring(index_byte=9), {"a": 1})  # keyed
