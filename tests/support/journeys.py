"""End-to-end journeys: valid synthetic report bodies and a client that drives only the public REST APIs.

Every step is an HTTP call to `/{service}/v1/...`; state is observed through GET endpoints only, and
every wait is a condition (`eventually`), never a sleep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from backbone.clock import utcnow
from services.intake.reports.resident_id import check_digit
from services.intake.reports.schemas import CHINA_TIME
from tests.support.auth import Callers
from tests.support.paging import items
from tests.support.waiting import eventually

AGENCIES = ("police", "health", "education", "civil_affairs")
# 潍坊市潍城区: the seeds' city; any 6-digit code is accepted, this one keeps the data plausible.
DISTRICT = "370702"
SYNTHETIC_REGION = "990101"

Json = dict[str, Any]


def today_in_china() -> date:
    """The civil date intake validates against (follows the fake clock when a test installs one)."""
    return utcnow().astimezone(CHINA_TIME).date()


def born_years_ago(years: int, *, days: int = 40) -> date:
    """A birth date making the child `years` old today (a little past the birthday)."""
    today = today_in_china()
    return date(today.year - years, today.month, 1) - timedelta(days=days)


def synthetic_resident_id(born: date, *, sequence: int) -> str:
    """A valid resident ID (GB 11643 check character) that cannot be a real person's.

    Its region code 990101 is no administrative division (province codes run 11-82); intake checks the
    shape, birth date, sex and check character, not the region. An odd sequence is a boy, even a girl.
    """
    first17 = f"{SYNTHETIC_REGION}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def forged(id_number: str) -> str:
    """The same number with a wrong check character (a typo or a made-up number)."""
    wrong = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + wrong


def report_body(
    *,
    source: str,
    categories: list[str],
    child: Json,
    immediate_danger: bool = False,
    injured: bool = False,
    description: str = "Synthetic end-to-end test report.",
    occurred_minutes_ago: int = 30,
    area: str = "urban",
    organization: str | None = None,
    offender: str | None = None,
    reporter_name: str = "测试报告人",
    reporter_phone: str = "0536-5550100",
    wants_feedback: bool = True,
) -> Json:
    """A valid `POST /intake/v1/reports` body; `child` is the `child` object as sent."""
    occurred_at = utcnow() - timedelta(minutes=occurred_minutes_ago)
    return {
        "source": source,
        "reporter": {
            "name": reporter_name,
            "organization": organization,
            "phone": reporter_phone,
            "wants_feedback": wants_feedback,
        },
        "child": {"district": DISTRICT, **child},
        "incident": {
            "categories": categories,
            "description": description,
            "occurred_at": occurred_at.isoformat(),
            "location": {"district": DISTRICT, "area": area},
            "immediate_danger": immediate_danger,
            "injured": injured,
            "suspected_offender_relation": offender,
        },
    }


def referral_of(case: Json, agency: str, task: str, role: str = "lead") -> Json:
    """The case's one referral to `agency` for `task` in `role` (fails if none or several)."""
    found = [r for r in case["referrals"] if (r["agency"], r["task"], r["role"]) == (agency, task, role)]
    assert len(found) == 1, f"{agency}/{task}/{role}: {len(found)} referrals in {referral_keys(case)}"
    return found[0]


def referral_keys(case: Json) -> Counter[tuple[str, str, str]]:
    """How many referrals the case holds per (agency, task, role): a duplicate shows as a count of 2."""
    return Counter((r["agency"], r["task"], r["role"]) for r in case["referrals"])


def assignments(referrals: Counter[tuple[str, str, str]]) -> list[str]:
    """The timeline's events announcing a report's referrals: one `referrals.assigned` per agency."""
    return ["referrals.assigned.v1"] * len({agency for agency, _, _ in referrals})


def timeline_types(case: Json, *, with_deadlines: bool = False) -> list[str]:
    """Event types on the case's timeline in order; deadline alerts (sla.*) left out unless asked for."""
    return [t["type"] for t in case["timeline"] if with_deadlines or not t["type"].startswith("sla.")]


def clock_states(case: Json) -> dict[tuple[str, str], list[str]]:
    """States of the case's SLA clocks by (clock, subject id), oldest first: one each unless it restarts."""
    states: dict[tuple[str, str], list[str]] = {}
    for clock in sorted(case["sla_clocks"], key=lambda c: c["started_at"]):
        states.setdefault((clock["clock"], clock["subject_id"]), []).append(clock["state"])
    return states


# Who files a report of each source: the reporting source's own system (tests/support/identity.json).
REPORTING_CLIENTS = {
    "school": "school-platform",
    "kindergarten": "school-platform",
    "hospital": "hospital-system",
    "police": "police-dispatch",
}


@dataclass
class Journey:
    """The whole system as uvicorn would serve it; each call made as the agency that would make it."""

    client: httpx.AsyncClient
    transport: str
    callers: Callers
    submitters: dict[str, str] = field(default_factory=dict)

    # -- plain calls ---------------------------------------------------------------------------------

    async def get(self, path: str, **params: Any) -> Any:
        answer = await self.client.get(path, params=params or None)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.json()

    async def post(self, path: str, body: Json | None = None, *, expect: int = 200) -> Json:
        answer = await self.client.post(path, json=body)
        assert answer.status_code == expect, f"POST {path}: {answer.status_code} {answer.text}"
        return answer.json()

    # -- intake --------------------------------------------------------------------------------------

    async def report(self, body: Json) -> Json:
        """Submit a report as its source's system (else the 12355 hotline); the 202 answer."""
        account = REPORTING_CLIENTS.get(body.get("source"), "hotline-12355")
        async with self.callers.client(account) as reporter:
            answer = await reporter.post("/intake/v1/reports", json=body)
        assert answer.status_code == 202, f"POST report: {answer.status_code} {answer.text}"
        accepted = answer.json()
        self.submitters[accepted["report_id"]] = account
        return accepted

    async def intake_report(self, report_id: str) -> Json:
        """The report read back by whoever submitted it (a reporting source sees only its own)."""
        # Reports made from another service's event have no submitting client: a supervisor reads them.
        async with self.callers.client(self.submitters.get(report_id, "supervisor")) as reporter:
            answer = await reporter.get(f"/intake/v1/reports/{report_id}")
        assert answer.status_code == 200, f"GET report: {answer.status_code} {answer.text}"
        return answer.json()

    async def child_file(self, child_id: str) -> Json:
        return await self.get(f"/intake/v1/children/{child_id}")

    # -- routing -------------------------------------------------------------------------------------

    async def case_or_none(self, case_id: str) -> Json | None:
        answer = await self.client.get(f"/routing/v1/cases/{case_id}")
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def case_when(self, case_id: str, until: Callable[[Json], bool], what: str) -> Json:
        """The routing case view once `until(case)` holds."""
        return await eventually(
            lambda: self.case_or_none(case_id),
            until=lambda case: case is not None and until(case),
            what=f"case {case_id}: {what}",
        )

    async def routed(self, case_id: str, referrals: int) -> Json:
        """The case once routing opened it and made `referrals` referrals."""
        return await self.case_when(
            case_id, lambda c: len(c["referrals"]) >= referrals, f"{referrals} referrals made"
        )

    async def on_timeline(self, case_id: str, event_type: str, count: int = 1) -> Json:
        """The case once its timeline holds `count` events of the type (e.g. after an agency step)."""
        return await self.case_when(
            case_id,
            lambda c: timeline_types(c, with_deadlines=True).count(event_type) >= count,
            f"{count} x {event_type} on the timeline",
        )

    async def timeline_reaches(self, case_id: str, expected: list[str]) -> Json:
        """The case once its timeline (deadline alerts aside) is as long as `expected`; it must equal it.

        Steps are taken one at a time and each is awaited here, so the order is the order of the steps.
        """
        case = await self.case_when(
            case_id, lambda c: len(timeline_types(c)) >= len(expected), f"{len(expected)} timeline events"
        )
        assert timeline_types(case) == expected
        return case

    async def cases(self, **filters: Any) -> Json:
        return await self.get("/routing/v1/cases", limit=200, **filters)

    async def clocks(self, **filters: Any) -> list[Json]:
        return items(await self.client.get("/routing/v1/sla", params={"limit": 1000, **filters}))

    # -- agencies ------------------------------------------------------------------------------------

    async def inbox(self, agency: str) -> list[Json]:
        return items(await self.client.get(f"/{agency}/v1/referrals", params={"limit": 1000}))

    async def in_inbox(self, agency: str, referral_id: str) -> Json:
        """The referral once it has reached the agency's inbox."""

        async def probe() -> Json | None:
            answer = await self.client.get(f"/{agency}/v1/referrals/{referral_id}")
            return answer.json() if answer.status_code == 200 else None

        return await eventually(probe, what=f"referral {referral_id} in the {agency} inbox")

    async def inboxes_hold(self, *cases: Json) -> dict[str, list[Json]]:
        """Every agency's inbox once each holds exactly the cases' referrals to it; the inboxes."""
        referrals = [r for case in cases for r in case["referrals"]]
        expected = {a: sorted(r["referral_id"] for r in referrals if r["agency"] == a) for a in AGENCIES}

        async def probe() -> dict[str, list[Json]]:
            return {agency: await self.inbox(agency) for agency in AGENCIES}

        return await eventually(
            probe,
            until=lambda boxes: all(
                sorted(r["referral_id"] for r in boxes[a]) == expected[a] for a in AGENCIES
            ),
            what="every agency inbox holds exactly the cases' referrals",
        )

    async def step(
        self, agency: str, referral_id: str, action: str, body: Json | None = None, **kw: Any
    ) -> Json:
        """`POST /{agency}/v1/referrals/{id}/{action}`."""
        return await self.post(f"/{agency}/v1/referrals/{referral_id}/{action}", body, **kw)

    async def accept(self, agency: str, referral_id: str, officer: str = "officer-001") -> Json:
        await self.in_inbox(agency, referral_id)
        accepted = await self.step(agency, referral_id, "accept", {"officer": officer})
        assert accepted["status"] == "accepted"
        return accepted
