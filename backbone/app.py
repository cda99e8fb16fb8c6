"""The HTTP face: each service's API under `/{service}/v1/...`, docs at `/{service}/docs`, health probes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from backbone.audit.views import router as audit_router
from backbone.auth.guard import authorize
from backbone.auth.policy import load_policy
from backbone.settings import get_settings
from backbone.sla.holidays import calendar_status
from backbone.system import System
from backbone.web.bodies import BodyGuard
from backbone.web.failures import install_error_handlers
from backbone.web.openapi import access_statuses, declare_runtime_statuses, runtime_statuses
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
    policy = load_policy(system.settings.access_policy_path)
    for definition in system.definitions:
        service_app = FastAPI(
            title=definition.title,
            docs_url="/docs",
            openapi_url="/openapi.json",
            telemetry=TELEMETRY,
            # NUL characters are refused before the guard looks anything up by the path's ids.
            dependencies=[Depends(refuse_nul_parameters), Depends(authorize)],
        )
        service_app.state.system = system
        service_app.state.service_name = definition.name
        # Hostile input is refused here, once for every service, before any view (or the guard) sees it.
        install_error_handlers(service_app)
        service_app.add_middleware(BodyGuard, max_body_bytes=system.settings.http_max_body_bytes)
        for router in (*definition.routers, audit_router):
            service_app.include_router(router)
        _add_probes(service_app, service=definition.name)
        _require_rules(service_app, definition.name, policy)
        declare_runtime_statuses(
            service_app,
            [
                *runtime_statuses(system.settings.http_max_body_bytes),
                *access_statuses(partial(_rule, policy, definition.name)),
            ],
        )
        root.mount(f"/{definition.name}", service_app)
    if not system.settings.auth_issuer:
        root.mount("/issuer", _BuiltinIssuerApp(system))
    return root


def _require_rules(app: FastAPI, service: str, policy) -> None:
    """Every route the service serves has an access rule, or the process does not start."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                if _rule(policy, service, method, route.path) is None:
                    raise RuntimeError(f"the access policy has no rule for {service} {method} {route.path}")


def _rule(policy, service: str, method: str, path: str):
    return policy.rule(service, method, path) or policy.rule("*", method, path)


class _BuiltinIssuerApp:
    """The built-in issuer, created when the system starts (its keys live in the data folder)."""

    def __init__(self, system: System) -> None:
        self._system = system
        self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            if self._system.issuer is None:
                await JSONResponse({"detail": "the issuer is starting"}, 503)(scope, receive, send)
                return
            from backbone.issuer.app import issuer_app

            self._app = issuer_app(self._system.issuer)
        await self._app(scope, receive, send)


def _add_probes(app: FastAPI, *, service: str | None = None) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        databases, broker = await request.app.state.system.ready(service)
        status_code, body = readiness(databases=databases, broker=broker)
        # Reported, not a check: a calendar running out needs a file from the city, not a restart.
        body["detail"] = {"calendar": calendar_status()}
        return JSONResponse(body, status_code)


def create_service_app(name: str) -> FastAPI:
    """The app of one service for distributed mode (`uvicorn services.<name>.main:app`)."""
    return create_app(System(get_settings().model_copy(update={"services": name})))
