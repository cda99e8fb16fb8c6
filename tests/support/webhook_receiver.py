"""A real HTTP receiver of webhooks for tests: uvicorn on a free loopback port, verifying every
delivery's signature with the `standardwebhooks` library, applying each webhook-id once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Receiver:
    """Fails the first `failures` requests with 503, then applies each verified delivery once."""

    failures: int = 0
    secrets: list[str] = field(default_factory=list)
    requests: int = 0
    # the webhook-id of every request, failed ones included (a retry repeats its delivery's id)
    ids: list[str] = field(default_factory=list)
    refused_signatures: int = 0
    # webhook-id -> payload, in the order first applied
    applied: dict[str, dict] = field(default_factory=dict)
    duplicates: int = 0
    url: str = ""

    async def handle(self, request: Request) -> Response:
        self.requests += 1
        self.ids.append(request.headers.get("webhook-id", ""))
        body = await request.body()
        if self.requests <= self.failures:
            return Response(status_code=503)
        payload = None
        for secret in self.secrets:
            try:
                payload = Webhook(secret).verify(body, dict(request.headers))
                break
            except WebhookVerificationError:
                continue
        if payload is None:
            self.refused_signatures += 1
            return Response(status_code=401)
        webhook_id = request.headers["webhook-id"]
        if webhook_id in self.applied:
            self.duplicates += 1
        else:
            self.applied[webhook_id] = json.loads(body)
        return Response(status_code=204)

    def per_case(self) -> dict[str, list[str]]:
        """Case id -> the event types applied for it, in the order they arrived."""
        cases: dict[str, list[str]] = {}
        for payload in self.applied.values():
            cases.setdefault(payload["data"]["case_id"], []).append(payload["type"])
        return cases


@contextlib.asynccontextmanager
async def receiving(receiver: Receiver, port: int | None = None) -> AsyncIterator[Receiver]:
    """Serve the receiver on the port (default: a free one) until the block ends."""
    port = port or free_port()
    app = Starlette(routes=[Route("/hooks", receiver.handle, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    receiver.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
