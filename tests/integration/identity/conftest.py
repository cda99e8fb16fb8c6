"""All six services on a fresh database (embedded transport), a P1 case routed to every agency."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backbone.system import System
from tests.support.journeys import Journey, born_years_ago, report_body, synthetic_resident_id
from tests.support.system import running_system

AGENCY_SERVICES = ("police", "health", "education", "civil_affairs")


@dataclass
class Seeded:
    """A running system with one routed P1 case, and the ids a caller could name."""

    system: System
    journey: Journey
    ids: dict[str, str]

    def anonymous(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.system.callers.transport, base_url="http://backbone")

    def as_(self, account: str) -> httpx.AsyncClient:
        return self.system.callers.client(account)

    def url(self, service: str, path: str, referral_ids: dict[str, str] | None = None) -> str:
        """The route's template with the seeded ids filled in (the agency's own referral for an agency)."""
        ids = dict(self.ids)
        if service in AGENCY_SERVICES:
            ids["referral_id"] = self.ids[f"{service}.referral_id"]
        return f"/{service}" + re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "unknown"), path)


def p1_report() -> dict[str, Any]:
    born = born_years_ago(9)
    return report_body(
        source="school",
        categories=["abuse"],
        injured=True,
        offender="parent",
        immediate_danger=True,
        child={
            "name": "测试儿童",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=777),
            "gender": "male",
        },
    )


@pytest.fixture
async def seeded(fresh_database_url: str, fake_clock) -> AsyncIterator[Seeded]:
    """Time stands still (no deadline fires while the matrix runs)."""
    async with running_system(fresh_database_url) as (system, client):
        journey = Journey(client, "embedded", system.callers)
        accepted = await journey.report(p1_report())
        case = await journey.routed(accepted["case_id"], referrals=10)
        ids = {
            "case_id": case["case_id"],
            "report_id": accepted["report_id"],
            "child_id": accepted["child_id"],
            "clock_id": (await journey.clocks(case_id=case["case_id"]))[0]["id"],
        }
        for agency in AGENCY_SERVICES:
            referrals = [r for r in case["referrals"] if r["agency"] == agency]
            lead = [r for r in referrals if r["role"] == "lead"] or referrals
            await journey.in_inbox(agency, lead[0]["referral_id"])
            ids[f"{agency}.referral_id"] = lead[0]["referral_id"]
        yield Seeded(system, journey, ids)
