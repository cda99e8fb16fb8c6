"""The services' public APIs as the operations page calls them: with the signed-in person's token, so the
access policy (backbone/auth/guard.py) decides what the page may show, as for any other caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

# A list is read page by page (200: the smallest bound any list route has), up to MAX_ROWS rows.
PAGE_SIZE = 200
MAX_ROWS = 2000


class ApiRefused(Exception):
    """A service answered with an error; `status` says which (401/403: the policy, 5xx: an outage)."""

    def __init__(self, path: str, status: int) -> None:
        super().__init__(f"{path} answered {status}")
        self.path = path
        self.status = status


def items_of(body: Any) -> list[dict[str, Any]]:
    """The rows of a list answer: a paging envelope `{items, total, limit, offset}` or a bare list."""
    if isinstance(body, dict):
        return list(body.get("items", []))
    return list(body)


@dataclass
class ServicesApi:
    """One page request's view of the services, as the person signed in."""

    client: httpx.AsyncClient
    # service -> base URL of its API; `*` for every service not named
    bases: Mapping[str, str]

    def url(self, path: str) -> str:
        service = path.strip("/").split("/", 1)[0]
        return self.bases.get(service, self.bases["*"]) + path

    async def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """The JSON answer of a GET; ApiRefused on any error status or when the service cannot be reached."""
        try:
            response = await self.client.get(self.url(path), params=params)
        except httpx.HTTPError:
            raise ApiRefused(path, 503) from None
        if response.status_code != 200:
            raise ApiRefused(path, response.status_code)
        return response.json()

    async def rows(self, path: str, **params: str | int) -> list[dict[str, Any]]:
        """A list route's rows (either shape), page by page, up to MAX_ROWS."""
        found: list[dict[str, Any]] = []
        while len(found) < MAX_ROWS:
            page = items_of(await self.get(path, {**params, "limit": PAGE_SIZE, "offset": len(found)}))
            found += page
            if len(page) < PAGE_SIZE:
                break
        return found

    async def live_cases(self) -> list[dict[str, Any]]:
        """Cases still being handled: open, or closed to action but under monitoring."""
        return [
            *await self.rows("/routing/v1/cases", status="open"),
            *await self.rows("/routing/v1/cases", status="under_monitoring"),
        ]

    async def open_clocks(self) -> list[dict[str, Any]]:
        """Every clock still running, paused or breached (warnings included), once each."""
        clocks: dict[str, dict[str, Any]] = {}
        for state in ("running", "warning", "paused", "breached"):
            clocks |= {clock["id"]: clock for clock in await self.rows("/routing/v1/sla", state=state)}
        return list(clocks.values())

    async def breached_clocks(self) -> list[dict[str, Any]]:
        return await self.rows("/routing/v1/sla", state="breached")

    async def escalations(self) -> list[dict[str, Any]]:
        return await self.rows("/civil_affairs/v1/escalations")

    async def compliance(self, district: str | None = None) -> list[dict[str, Any]]:
        params = {"district": district} if district else None
        return items_of(await self.get("/routing/v1/sla/compliance", params))

    async def case(self, case_id: str) -> dict[str, Any]:
        return await self.get(f"/routing/v1/cases/{case_id}")


def services_api(*, bases: Mapping[str, str], token: str) -> ServicesApi:
    """The services at their base URLs, called with the person's bearer token."""
    client = httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=httpx.Timeout(10.0))
    return ServicesApi(client, bases)
