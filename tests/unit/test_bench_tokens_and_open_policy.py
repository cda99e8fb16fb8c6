"""The benchmark's token source renews before expiry; its no-token policy differs in one rule only."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx

from backbone.auth.policy import DEFAULT_POLICY, load_policy
from bench.auth import Tokens, open_intake_policy


def _issuer(requests: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"access_token": f"t{len(requests)}", "expires_in": 100})

    return httpx.MockTransport(answer)


async def test_a_token_is_reused_until_four_fifths_of_its_life_then_renewed(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({"hotline-12355": "s3cret"}))
    now = [1000.0]
    requests: list[httpx.Request] = []
    tokens = Tokens("http://issuer/issuer/", secrets, clock=lambda: now[0], transport=_issuer(requests))

    assert await tokens.headers("hotline-12355") == {"Authorization": "Bearer t1"}
    now[0] += 79
    assert await tokens.token("hotline-12355") == "t1"
    now[0] += 2
    assert await tokens.token("hotline-12355") == "t2"
    await tokens.aclose()

    assert len(requests) == 2 and str(requests[0].url) == "http://issuer/issuer/token"
    assert requests[0].content == b"grant_type=client_credentials"
    basic = base64.b64encode(b"hotline-12355:s3cret").decode()
    assert requests[0].headers["authorization"] == f"Basic {basic}"


def test_the_open_intake_policy_makes_only_report_submission_public(tmp_path: Path) -> None:
    shipped = load_policy(str(DEFAULT_POLICY))
    variant = load_policy(str(open_intake_policy(tmp_path)))

    changed = {
        (service, key)
        for service, rules in shipped.rules.items()
        for key, rule in rules.items()
        if variant.rules[service][key] != rule
    }
    assert changed == {("intake", "POST /v1/reports")}
    assert variant.rule("intake", "POST", "/v1/reports").public
    assert {s: set(r) for s, r in variant.rules.items()} == {s: set(r) for s, r in shipped.rules.items()}
