"""Another service's API, read as the caller of the request being answered.

A view that shows what another service owns (an agency's deadlines are routing's clocks) asks that
service, with the caller's own token: the owner's access policy decides again what the caller may see,
and nothing is copied. When this process serves the other service too (the embedded default, tests), the
call stays in the process; otherwise it goes to `SERVICE_API_URLS`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import FastAPI, Request

from backbone.telemetry import current_trace_headers

log = logging.getLogger(__name__)
PEER_TIMEOUT_SECONDS = 10.0
PEER_RETRY_AFTER_SECONDS = 5
IN_PROCESS_BASE = "http://in-process"


class PeerUnavailable(Exception):
    """The service a view reads from could not be reached or failed; answered 503 `peer_unavailable`."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} {reason}")
        self.service = service
        self.reason = reason


class PeerAnswer:
    """A peer's answer that was not a failure: 2xx, or a 4xx refusal to pass on as it is."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.headers = {k: v for k, v in response.headers.items() if k.lower() == "retry-after"}
        self.body: Any = response.json()

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


def serve_in_process(root: FastAPI, service_apps: Mapping[str, FastAPI]) -> None:
    """Let the views of these service apps reach each other through the app serving them all."""
    for app in service_apps.values():
        app.state.in_process_root = root
        app.state.in_process_services = frozenset(service_apps)


def _client(request: Request, service: str) -> httpx.AsyncClient:
    headers = current_trace_headers()
    if authorization := request.headers.get("authorization"):
        headers["authorization"] = authorization
    state = request.app.state
    if service in getattr(state, "in_process_services", ()):
        transport = httpx.ASGITransport(app=state.in_process_root)
        return httpx.AsyncClient(transport=transport, base_url=IN_PROCESS_BASE, headers=headers)
    urls = state.system.settings.service_api_urls
    return httpx.AsyncClient(
        base_url=urls.get(service, urls["*"]), headers=headers, timeout=PEER_TIMEOUT_SECONDS
    )


async def read_peer(request: Request, service: str, path: str, params: Mapping[str, str | int]) -> PeerAnswer:
    """GET `/{service}{path}` as this request's caller; PeerUnavailable when the service is not there
    for us (unreachable, timed out, a 5xx, an answer that is not JSON)."""
    async with _client(request, service) as client:
        try:
            response = await client.get(f"/{service}{path}", params=params)
        except httpx.HTTPError as error:
            raise PeerUnavailable(service, f"unreachable ({type(error).__name__})") from None
    if response.status_code >= 500:
        raise PeerUnavailable(service, f"answered {response.status_code}")
    try:
        return PeerAnswer(response)
    except ValueError:
        raise PeerUnavailable(service, "answered something that is not JSON") from None
