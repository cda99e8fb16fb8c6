"""The HTTP face: each service's API under `/{service}/v1/...`, docs at `/{service}/docs`, health probes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from backbone.settings import get_settings
from backbone.system import System
from backbone.web.bodies import BodyGuard
from backbone.web.failures import install_error_handlers
from backbone.web.openapi import declare_runtime_statuses, runtime_statuses
from backbone.web.params import refuse_nul_parameters
from backbone.web.readiness import readiness

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
        # Hostile input is refused here, once for every service, before any view sees it.
        install_error_handlers(service_app)
        service_app.add_middleware(BodyGuard, max_body_bytes=system.settings.http_max_body_bytes)
        for router in definition.routers:
            service_app.include_router(router, dependencies=[Depends(refuse_nul_parameters)])
        declare_runtime_statuses(service_app, runtime_statuses(system.settings.http_max_body_bytes))
        _add_probes(service_app, service=definition.name)
        root.mount(f"/{definition.name}", service_app)
    return root


def _add_probes(app: FastAPI, *, service: str | None = None) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        databases, broker = await request.app.state.system.ready(service)
        status_code, body = readiness(databases=databases, broker=broker)
        return JSONResponse(body, status_code)


def create_service_app(name: str) -> FastAPI:
    """The app of one service for distributed mode (`uvicorn services.<name>.main:app`)."""
    return create_app(System(get_settings().model_copy(update={"services": name})))
