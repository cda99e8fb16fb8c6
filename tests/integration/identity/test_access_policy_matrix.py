"""Every route of every service's OpenAPI x every account (agency, role, district), as the policy says.

The expected answer is computed here from contracts/policies/access.v1.json by a small reading of its
grants, independent of the runtime's own engine, over facts this test knows of the seeded case: all of
it in district 370702; each agency's referral addressed to that agency; the case to every agency with a
referral; the report submitted by the school platform; the child's file to civil affairs and, while the
case is open, the police. Refused calls must answer 403 and change nothing in any schema.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg

from backbone.auth.principal import covers
from backbone.db import asyncpg_url
from contracts.catalogue import SERVICES
from tests.integration.identity.conftest import Seeded
from tests.support.auth import TEST_REGISTRY
from tests.support.journeys import born_years_ago, synthetic_resident_id
from tests.support.waiting import eventually

POLICY = json.loads((Path(__file__).resolve().parents[3] / "contracts/policies/access.v1.json").read_text())
ACCOUNTS = json.loads(TEST_REGISTRY.read_text())
CASE_DISTRICT = "370702"


def _names(value: Any) -> set[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    out: set[str] = set()
    for item in items:
        out |= set(POLICY["groups"][item[1:]]) if item.startswith("@") else {item}
    return out


def _facts(service: str, resource: str | None) -> dict[str, Any]:
    addressed = {
        "referral": {service},
        # routing's seeded lead referral is the police's; an agency's is its own
        "lead_referral": {"police"} if service == "routing" else {service},
        # the seeded responsible referral is the police's part of a task civil affairs leads
        "referral_of_task": {"civil_affairs"},
        # civil affairs registered the seeded subscription, and is asked to take the seeded lead transfer
        "subscription": {"civil_affairs"},
        "delivery": {"civil_affairs"},
        "lead_transfer": {"civil_affairs"},
        "approval": {"civil_affairs"},
        "case": {"police", "health", "education", "civil_affairs"},
        "clock": {"police"},  # the first clock listed is the police's first-dispatch deadline
        "child": {"civil_affairs", "police"},
        "report": set(),
        "detention": {"police"},
    }
    return {
        "district": CASE_DISTRICT,
        "agencies": addressed.get(resource or "", set()),
        "submitter": "police-dispatch" if resource == "detention" else "school-platform",
    }


def expected_allowed(service: str, key: str, account: dict[str, Any]) -> bool:
    rule = POLICY["routes"].get(service, {}).get(key) or POLICY["routes"]["*"][key]
    if rule.get("public"):
        return True
    if rule["scope"] not in account["scopes"]:
        return False
    facts = _facts(service, rule.get("resource"))
    for grant in rule.get("allow", []):
        agencies, roles = _names(grant.get("agencies")), _names(grant.get("roles"))
        if agencies is not None and account["agency"] not in agencies:
            continue
        if roles is not None and not roles & set(account["roles"]):
            continue
        if rule.get("resource") is None:
            return True  # on a list the predicates filter rows
        require = grant.get("require", [])
        if "in_district" in require and not covers(account["districts"], facts["district"]):
            continue
        if "addressed_to_caller" in require and account["agency"] not in facts["agencies"]:
            continue
        if "submitted_by_caller" in require and account["name"] != facts["submitter"]:
            continue
        return True
    return False


async def _snapshot(seeded: Seeded) -> dict[str, str]:
    url = asyncpg_url(seeded.system.database_url).replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY($1::text[])",
            list(SERVICES),
        )
        digest = {}
        for schema, table in tables:
            digest[f"{schema}.{table}"] = await connection.fetchval(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{schema}"."{table}" t'
            )
        return digest
    finally:
        await connection.close()


async def _settled(seeded: Seeded) -> dict[str, str]:
    """The snapshot once events in flight have been applied: two polls in a row see the same state."""
    last: list[dict[str, str]] = []

    async def poll() -> bool:
        last.append(await _snapshot(seeded))
        return len(last) > 1 and last[-1] == last[-2]

    await eventually(poll, until=bool, what="the system at rest")
    return last[-1]


async def _operations(seeded: Seeded) -> list[tuple[str, str, str]]:
    async with seeded.anonymous() as anonymous:
        found = []
        for service in SERVICES:
            paths = (await anonymous.get(f"/{service}/openapi.json")).json()["paths"]
            found += [(service, m.upper(), p) for p, methods in paths.items() for m in methods]
        return found


async def _seed_detention(seeded: Seeded) -> None:
    born = born_years_ago(4)
    child = {
        "name": "测试幼儿",
        "birth_date": born.isoformat(),
        "gender": "female",
        "id_number": synthetic_resident_id(born, sequence=812),
        "district": CASE_DISTRICT,
    }
    body = {
        "detention_reference": "MATRIX-1",
        "district": CASE_DISTRICT,
        "area": "urban",
        "children": [child],
    }
    async with seeded.as_("police-dispatch") as police:
        answer = await police.post("/intake/v1/detentions", json=body)
        assert answer.status_code == 201, answer.text
        detention = answer.json()
        await eventually(
            lambda: police.get(f"/police/v1/detentions/{detention['detention_id']}"),
            until=lambda answer: answer.status_code == 200,
            what="the police's record of the detention",
        )
    seeded.ids["detention_id"] = detention["detention_id"]


async def test_every_route_every_account_inside_and_outside_the_district(seeded: Seeded) -> None:
    await _seed_detention(seeded)
    accounts = ACCOUNTS["clients"] + ACCOUNTS["users"]
    calls = [(s, m, p, a) for s, m, p in await _operations(seeded) for a in accounts]
    refused = [c for c in calls if not expected_allowed(c[0], f"{c[1]} {c[2]}", c[3])]
    allowed = [c for c in calls if expected_allowed(c[0], f"{c[1]} {c[2]}", c[3])]
    assert len(refused) > 500 and len(allowed) > 100  # the matrix is not trivially one-sided

    before = await _settled(seeded)
    statuses = await _call_all(seeded, refused)
    wrong = [(c[3]["name"], c[1], c[0], c[2], s) for c, s in zip(refused, statuses, strict=True) if s != 403]
    assert not wrong, f"refused calls that were not 403: {sorted(set(wrong))}"
    assert await _snapshot(seeded) == before, "a refused call changed something"

    # Allowed reads first, then allowed changes (with empty bodies most are refused as 422, changing nothing).
    reads = [c for c in allowed if c[1] == "GET"]
    changes = [c for c in allowed if c[1] != "GET"]
    for batch in (reads, changes):
        statuses = await _call_all(seeded, batch)
        wrong = [
            (c[3]["name"], c[1], c[0], c[2], s)
            for c, s in zip(batch, statuses, strict=True)
            if s in (401, 403)
        ]
        assert not wrong, f"allowed calls that were refused: {wrong[:10]}"


async def _call_all(seeded: Seeded, calls: list) -> list[int]:
    """Each account's calls in order on its own client; the accounts side by side."""
    by_account: dict[str, list[int]] = {}
    for index, call in enumerate(calls):
        by_account.setdefault(call[3]["name"], []).append(index)
    statuses = [0] * len(calls)
    side_by_side = asyncio.Semaphore(4)  # the database server's connections are shared

    async def run(account: str, indexes: list[int]) -> None:
        async with side_by_side, seeded.as_(account) as client:
            for index in indexes:
                service, method, path, _ = calls[index]
                params = {"purpose": "assessment"} if path.endswith("/personal-data") else None
                body = {} if method != "GET" else None
                answer = await client.request(method, seeded.url(service, path), params=params, json=body)
                statuses[index] = answer.status_code

    await asyncio.gather(*(run(account, indexes) for account, indexes in by_account.items()))
    return statuses
