"""Valid P1 report bodies, each about a different child, so every report opens its own case."""

from __future__ import annotations

import json
from datetime import date, timedelta

from backbone.clock import utcnow
from services.intake.reports.resident_id import check_digit

REGION = "370702"
FIRST_BIRTH_DATE = date(2012, 1, 1)


def child_identity(index: int) -> tuple[str, str, str]:
    """A unique (birth date, resident ID, gender) for report `index`: 1,000 IDs per birth date."""
    born = FIRST_BIRTH_DATE + timedelta(days=index // 1000)
    sequence = index % 1000
    first17 = f"{REGION}{born:%Y%m%d}{sequence:03d}"
    # The ID's sequence encodes the sex: odd for a boy, even for a girl.
    return born.isoformat(), first17 + check_digit(first17), "male" if sequence % 2 else "female"


def report_body(index: int) -> bytes:
    """A P1 report (an injured, abused child in immediate danger), about child number `index`.

    The police get an emergency referral for every P1 case, which is what the benchmark waits for.
    """
    born, id_number, gender = child_identity(index)
    body = {
        "source": "hotline_12355",
        "reporter": {"name": "李女士", "phone": "13812345678", "wants_feedback": False},
        "child": {
            "name": f"测试儿童{index}",
            "gender": gender,
            "birth_date": born,
            "id_number": id_number,
            "district": REGION,
        },
        "incident": {
            "categories": ["abuse"],
            "description": "邻居报告孩子正在被殴打，身上有伤。",
            "occurred_at": (utcnow() - timedelta(minutes=30)).isoformat(),
            "location": {"district": REGION, "address": "某小区3号楼", "area": "urban"},
            "immediate_danger": True,
            "injured": True,
            "suspected_offender_relation": "parent",
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


class Bodies:
    """An endless supply of fresh report bodies; indexes never repeat within one system's database."""

    def __init__(self) -> None:
        self._next = 0

    def take(self, count: int) -> list[bytes]:
        first, self._next = self._next, self._next + count
        return [report_body(i) for i in range(first, first + count)]

    def reset(self) -> None:
        """A fresh database: indexes may start again."""
        self._next = 0
