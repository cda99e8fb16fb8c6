"""The access policy's `rate_limits`: parsed at start-up, a mistake in them names where it is."""

from __future__ import annotations

import json

import pytest
from fastapi import HTTPException

from backbone.auth.policy import DEFAULT_POLICY, parse_policy
from backbone.auth.throttle import Throttle, caller_key, parse_rate_limits


def shipped() -> dict:
    return json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))


def test_the_shipped_policy_gives_report_intake_a_higher_limit_than_the_default() -> None:
    limits = parse_policy(shipped()).rate_limits
    (intake,) = limits.of("intake", "POST /v1/reports")
    (default,) = limits.of("police", "GET /v1/referrals")
    assert intake.amount / intake.get_expiry() > default.amount / default.get_expiry()


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"default": "lots"}, "default"),
        ({"routes": {"intake": {"POST /v1/reports": "100 per fortnight"}}}, "intake POST /v1/reports"),
        ({"routes": {"intake": {"POST /v1/nowhere": "1/second"}}}, "intake POST /v1/nowhere"),
    ],
)
def test_a_malformed_or_misplaced_limit_fails_naming_where(section: dict, named: str) -> None:
    document = shipped() | {"rate_limits": section}
    with pytest.raises(ValueError, match=named):
        parse_policy(document)


def test_callers_are_counted_by_client_else_by_address() -> None:
    assert caller_key(client_id="police-dispatch", peer="10.0.0.1") == "client:police-dispatch"
    assert caller_key(client_id=None, peer="10.0.0.1") == "address:10.0.0.1"


async def test_each_caller_and_route_has_its_own_budget() -> None:
    throttle = Throttle(parse_rate_limits({"default": "2/hour"}))
    for _ in range(2):
        await throttle.admit(service="police", route_key="GET /v1/referrals", caller="client:a")
    with pytest.raises(HTTPException) as refused:
        await throttle.admit(service="police", route_key="GET /v1/referrals", caller="client:a")
    assert refused.value.status_code == 429 and int(refused.value.headers["Retry-After"]) >= 1
    await throttle.admit(service="police", route_key="GET /v1/referrals", caller="client:b")
    await throttle.admit(service="police", route_key="GET /v1/referrals/{referral_id}", caller="client:a")
    await throttle.admit(service="health", route_key="GET /v1/referrals", caller="client:a")
