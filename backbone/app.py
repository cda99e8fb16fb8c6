"""The HTTP face: each service's API under `/{service}/v1/...`, docs at `/{service}/docs`, health probes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backbone.settings import get_settings
from backbone.sla.holidays import calendar_status
from backbone.system import System

# FastAPI's own OpenTelemetry support makes the HTTP spans. Its log records would carry validation
# failures' input (a child's name, a resident ID), so they stay off; probes are not traced.
TELEMETRY = {
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
    "exclude": lambda scope: scope.get("path", "").endswith(("/healthz", "/readyz")),
}


def create_app(system: System | None = None, *, manage_lifespan: bool = True) -> FastAPI:
    """One ASGI app serving every service of the system; the process starts them in its lifespan."""
    system = system or System(get_settings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_lifespan:
            await system.start()
        try:
            yield
        finally:
            if manage_lifespan:
                await system.stop()

    root = FastAPI(
        title="Child protection referral backbone",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=TELEMETRY,
    )
    root.state.system = system
    _add_probes(root)
    for definition in system.definitions:
        service_app = FastAPI(
            title=definition.title, docs_url="/docs", openapi_url="/openapi.json", telemetry=TELEMETRY
        )
        service_app.state.system = system
        service_app.state.service_name = definition.name
        for router in definition.routers:
            service_app.include_router(router)
        _add_probes(service_app)
        root.mount(f"/{definition.name}", service_app)
    return root


def _add_probes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        checks = await request.app.state.system.ready()
        ready = bool(checks) and all(state == "ok" for state in checks.values())
        # Reported, not a check: a calendar running out needs a file from the city, not a restart.
        detail = {"calendar": calendar_status()}
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks, "detail": detail},
            200 if ready else 503,
        )


def create_service_app(name: str) -> FastAPI:
    """The app of one service for distributed mode (`uvicorn services.<name>.main:app`)."""
    return create_app(System(get_settings().model_copy(update={"services": name})))
