"""The operations page's app, mounted by the runtime at `/ops`: the guard on every route, the session
cookie presented to it as a bearer token, refusals as pages, and every asset served from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backbone.auth.guard import authorize
from services.ops.session import SessionBearer
from services.ops.views import refusal_page, router

STATIC = Path(__file__).resolve().parent / "static"
# Nothing from elsewhere: scripts, styles and images only from this app; no framing, no foreign forms.
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; script-src 'self'; style-src 'self'; "
    b"img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def ops_app(system: Any) -> FastAPI:
    """The page's ASGI app for `system` (its settings name the APIs' base URL and the issuer)."""
    app = FastAPI(
        title="Operations page",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(authorize)],
        # The APIs it calls trace themselves; the page's own requests are polling.
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.system = system
    app.state.service_name = "ops"
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    _add_probes(app)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, error: StarletteHTTPException) -> Response:
        return refusal_page(request, error.status_code, str(error.detail))

    app.add_middleware(SessionBearer)
    app.add_middleware(SecurityHeaders)
    return app


# The APIs the page cannot do without: ready means they answer.
NEEDED = ("routing",)


def _add_probes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        bases = request.app.state.system.settings.service_api_urls
        states = {}
        async with httpx.AsyncClient(timeout=3.0) as client:
            for service in NEEDED:
                try:
                    answer = await client.get(f"{bases.get(service, bases['*'])}/{service}/readyz")
                    states[service] = "ok" if answer.status_code == 200 else f"failing: {answer.status_code}"
                except httpx.HTTPError as error:
                    states[service] = f"failing: {type(error).__name__}"
        ready = all(state == "ok" for state in states.values())
        return JSONResponse({"status": "ok" if ready else "failing", "apis": states}, 200 if ready else 503)
