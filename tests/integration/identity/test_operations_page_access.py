"""Only supervisors of the supervising agencies and the operations team open the operations page: every
page route, every registered account. Others get the 403 page; no token, the sign-in form."""

from __future__ import annotations

import json

import pytest

from backbone.auth.policy import DEFAULT_POLICY
from tests.support.auth import TEST_REGISTRY
from tests.support.browser import free_port
from tests.support.system import running_system

ACCOUNTS = json.loads(TEST_REGISTRY.read_text(encoding="utf-8"))
SUPERVISING = set(json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))["groups"]["supervision"])
PAGE_ROUTES = ("/ops/", "/ops/live", "/ops/breaches", "/ops/compliance", "/ops/cases/no-such-case")


def may_open(account: dict) -> bool:
    supervisor = "supervisor" in account["roles"] and account["agency"] in SUPERVISING
    return (supervisor or "operations" in account["roles"]) and "sla.read" in account["scopes"]


@pytest.fixture
async def system(fresh_database_url: str):
    # The page alone; the APIs it reads are nowhere (a closed port): each part says so, and what this
    # test looks at is who gets the page at all.
    async with running_system(
        fresh_database_url, ["ops"], SERVICE_API_URLS=f"http://127.0.0.1:{free_port()}"
    ) as (
        system,
        _,
    ):
        yield system


async def test_every_page_route_for_every_account(system) -> None:
    accounts = ACCOUNTS["clients"] + ACCOUNTS["users"]
    assert {a["name"] for a in accounts if may_open(a)} >= {"supervisor", "joint-office", "operations"}
    wrong = []
    for account in accounts:
        async with system.callers.client(account["name"]) as caller:
            for route in PAGE_ROUTES:
                answer = await caller.get(route)
                expected = 200 if may_open(account) else 403
                if answer.status_code != expected:
                    wrong.append((account["name"], route, answer.status_code, expected))
    assert not wrong, wrong


async def test_without_a_token_the_sign_in_form(system) -> None:
    async with system.callers.client("supervisor") as caller:
        caller.auth = None
        for route in PAGE_ROUTES:
            answer = await caller.get(route)
            assert (answer.status_code, answer.headers.get("location")) == (303, "/ops/login"), route
        assert (await caller.get("/ops/login")).status_code == 200
