"""Calling the services as a named agency or person, with tokens from the system's built-in issuer.

Every request a test makes carries the token of a registered account (tests/support/identity.json):
`callers.client("police-dispatch")` is the police dispatch system of district 370702. The default client
`running_system` yields speaks for the owner of each path: `/police/...` as the police dispatch system,
`/health/...` as the health system, and so on; intake as the 12355 hotline (children's files as civil
affairs); routing and the escalations as the city's joint meeting office. Tests that prove a
refusal use another account explicitly.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from backbone.system import System

TEST_REGISTRY = Path(__file__).resolve().parent / "identity.json"
# First matching path prefix wins.
PATH_OWNERS = (
    ("/intake/v1/children", "civil-affairs-cases"),
    ("/intake/v1/detentions", "police-dispatch"),
    ("/intake/", "hotline-12355"),
    ("/routing/", "joint-office"),
    ("/police/", "police-dispatch"),
    ("/health/", "health-system"),
    ("/education/", "education-platform"),
    ("/civil_affairs/v1/escalations", "joint-office"),
    ("/civil_affairs/", "civil-affairs-cases"),
    ("/notifications/", "police-dispatch"),  # an agency system managing its webhooks
    ("/sender/", "hotline-12355"),  # the runtime's own test services (tests/support/pingpong.py)
)


@dataclass
class Callers:
    """Fetches and caches tokens for accounts of the in-process built-in issuer."""

    system: System
    transport: httpx.AsyncBaseTransport
    base_url: str = "http://backbone"
    _tokens: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    def secret(self, account: str) -> str:
        issuer = self.system.issuer
        if issuer is None:
            raise RuntimeError("the system runs with an external issuer; get tokens from it")
        return issuer.registry.accounts[account].secret

    async def token(self, account: str, *, scope: str | None = None) -> str:
        """A current access token for the account (client credentials, or password for a person)."""
        key = (account, scope or "")
        cached = self._tokens.get(key)
        if cached and cached[1] > time.monotonic() + 30:
            return cached[0]
        kind = self.system.issuer.registry.accounts[account].kind
        form = (
            {"grant_type": "client_credentials"}
            if kind == "client"
            else {
                "grant_type": "password",
                "client_id": "console",
                "username": account,
                "password": self.secret(account),
            }
        )
        if scope:
            form["scope"] = scope
        auth = (account, self.secret(account)) if kind == "client" else None
        async with httpx.AsyncClient(transport=self.transport, base_url=self.base_url) as client:
            response = await client.post("/issuer/token", data=form, auth=auth)
        response.raise_for_status()
        body = response.json()
        self._tokens[key] = (body["access_token"], time.monotonic() + float(body["expires_in"]))
        return body["access_token"]

    def client(self, account: str) -> httpx.AsyncClient:
        """An HTTP client acting as that account."""
        return httpx.AsyncClient(
            transport=self.transport, base_url=self.base_url, auth=_AccountAuth(self, account)
        )

    def owners_client(self) -> httpx.AsyncClient:
        """An HTTP client acting, for each path, as the account that owns the service (PATH_OWNERS)."""
        return httpx.AsyncClient(transport=self.transport, base_url=self.base_url, auth=_OwnerAuth(self))


class _AccountAuth(httpx.Auth):
    def __init__(self, callers: Callers, account: str) -> None:
        self.callers, self.account = callers, account

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("use the async client")

    async def async_auth_flow(self, request: httpx.Request) -> AsyncIterator[httpx.Request]:
        if account := self._account_for(request):
            request.headers["Authorization"] = f"Bearer {await self.callers.token(account)}"
        yield request

    def _account_for(self, request: httpx.Request) -> str | None:
        return self.account


class _OwnerAuth(_AccountAuth):
    def __init__(self, callers: Callers) -> None:
        super().__init__(callers, "")

    def _account_for(self, request: httpx.Request) -> str | None:
        """The owner of the path; none for the process's own probes (`/readyz`)."""
        return next((account for prefix, account in PATH_OWNERS if request.url.path.startswith(prefix)), None)
