"""The benchmark's callers' tokens, and the policy variant that measures what authentication costs.

The load generator is two registered agency systems of the built-in issuer: the 12355 hotline files the
reports, the police dispatch system polls its inbox. Each gets client-credentials tokens over HTTP from
the issuer the system under test trusts (the standalone issuer process in distributed mode, the
system's own `/issuer` when embedded) and renews them before they expire.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from backbone.auth.policy import DEFAULT_POLICY, parse_policy

HOTLINE = "hotline-12355"
POLICE = "police-dispatch"
OPEN_SERVICE, OPEN_ROUTE = "intake", "POST /v1/reports"


@dataclass
class _Token:
    value: str
    renew_at: float


class Tokens:
    """Client-credentials access tokens for registered accounts, renewed at 80 % of their lifetime."""

    def __init__(
        self,
        issuer_url: str,
        secrets_file: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.issuer_url = issuer_url.rstrip("/")
        self._secrets_file = secrets_file
        self._clock = clock
        self._client = httpx.AsyncClient(timeout=10, transport=transport)
        self._tokens: dict[str, _Token] = {}
        self._lock = asyncio.Lock()
        self.fetched = 0

    async def token(self, account: str) -> str:
        """A token of `account` that is not about to expire."""
        current = self._tokens.get(account)
        if current is not None and self._clock() < current.renew_at:
            return current.value
        async with self._lock:  # one fetch for all the requests that found it due
            current = self._tokens.get(account)
            if current is None or self._clock() >= current.renew_at:
                current = self._tokens[account] = await self._fetch(account)
            return current.value

    async def headers(self, account: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(account)}"}

    async def _fetch(self, account: str) -> _Token:
        secret = json.loads(self._secrets_file.read_text())[account]
        asked = self._clock()
        response = await self._client.post(
            f"{self.issuer_url}/token", data={"grant_type": "client_credentials"}, auth=(account, secret)
        )
        if response.status_code != 200:
            raise RuntimeError(f"the issuer refused a token for {account}: {response.status_code}")
        self.fetched += 1
        body = response.json()
        return _Token(body["access_token"], asked + 0.8 * float(body["expires_in"]))

    async def aclose(self) -> None:
        await self._client.aclose()


def open_intake_policy(directory: Path, shipped: Path = DEFAULT_POLICY) -> Path:
    """The shipped access policy with only intake's `POST /v1/reports` public, written to `directory`.

    Made from the shipped file at run time, so the baseline without a token differs from the system
    under test in that one rule and cannot drift from it.
    """
    document = json.loads(shipped.read_text(encoding="utf-8"))
    routes = document["routes"][OPEN_SERVICE]
    routes[OPEN_ROUTE] = {**routes[OPEN_ROUTE], "public": True}
    document["about"] = f"benchmark only: {shipped.name} with intake {OPEN_ROUTE} public. " + document.get(
        "about", ""
    )
    rule = parse_policy(document).rule(OPEN_SERVICE, *OPEN_ROUTE.split(" ", 1))
    if rule is None or not rule.public:
        raise RuntimeError(f"the open-intake policy does not make intake {OPEN_ROUTE} public")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "access-open-intake.json"
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
