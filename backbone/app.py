"""The HTTP face: each service's API under `/{service}/v1/...`, docs at `/{service}/docs` and
`/{service}/redoc` (assets served here, nothing from a CDN), metrics at `/{service}/metrics`, probes;
the process's root lists its services (`/`) and serves every service's metrics together (`/metrics`).
Every route but the probes, the docs and the service list needs a bearer token (backbone/auth)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.types import Receive, Scope, Send

from backbone.audit.views import router as audit_router
from backbone.auth.guard import authorize
from backbone.auth.policy import load_policy
from backbone.index import services_page
from backbone.metrics import RequestMetrics, scrape
from backbone.settings import get_settings
from backbone.system import System
from backbone.telemetry import provider_for
from backbone.web.admission import AdmissionControl, AdmissionGate
from backbone.web.bodies import BodyGuard
from backbone.web.failures import install_error_handlers
from backbone.web.openapi import access_statuses, declare_runtime_statuses, runtime_statuses
from backbone.web.params import refuse_nul_parameters, refuse_unknown_query_parameters
from backbone.web.peers import serve_in_process
from backbone.web.readiness import readiness

DOCS_ASSETS = "/docs-assets"
# Requests that are no operation of the service (probes, scrapes, the docs and their assets): neither
# traced nor timed.
UNTRACED_SUFFIXES = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/oauth2-redirect",
)
# Said in every service's OpenAPI description: the routes every service serves outside its document.
RUNTIME_ROUTES = (
    "\n\nEvery operation needs an OAuth 2.0 bearer access token (RFC 9068 JWT) from the city's issuer; who "
    "may call what is `contracts/policies/access.v1.json`. Every refusal names what was wrong, never the "
    "value sent. Outside this document the service also answers `GET /{service}/healthz` (alive), "
    "`GET /{service}/readyz` (200 while it accepts work, with what it can deliver; 503 when its database "
    "fails) and `GET /{service}/metrics` (Prometheus, scope `metrics.read`)."
)
# The access policy's service key for rules every service shares; the root's routes are decided by them.
EVERY_SERVICE = "*"


def _untraced(scope: dict) -> bool:
    path = scope.get("path", "")
    return path.endswith(UNTRACED_SUFFIXES) or f"{DOCS_ASSETS}/" in path


def _telemetry(service: str) -> dict:
    # FastAPI's own OpenTelemetry support makes the HTTP spans, with the service's tracer provider (its
    # resource names the service). Its log records would carry validation failures' input (a child's
    # name, a resident ID), so they stay off.
    return {
        "tracer_provider": provider_for(service),
        "logs": False,
        "metrics": False,
        "operation_spans": False,
        "auto_configure": False,
        "exclude": _untraced,
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
        openapi_url=None,
        # The root only lists services and serves probes and metrics: each service traces its own.
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    root.state.system = system
    root.state.service_name = EVERY_SERVICE
    _add_probes(root)

    @root.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(services_page(system.definitions))

    @root.get("/metrics", include_in_schema=False, dependencies=[Depends(authorize)])
    async def process_metrics() -> Response:
        runtimes = [system.runtime(d.name) for d in system.definitions if d.name in system.runtimes]
        return Response(await scrape(runtimes, process=True), media_type=CONTENT_TYPE_LATEST)

    policy = load_policy(system.settings.access_policy_path)
    _require_rules(root, EVERY_SERVICE, policy, only=("/metrics",))
    service_apps: dict[str, FastAPI] = {}
    for definition in system.definitions:
        if definition.web is not None:
            page = definition.web(system)
            _require_rules(page, definition.name, policy)
            root.mount(f"/{definition.name}", page)
            continue
        service_app = FastAPIOffline(
            title=definition.title,
            description=definition.description + RUNTIME_ROUTES.format(service=definition.name),
            docs_url="/docs",
            redoc_url="/redoc",
            openapi_url="/openapi.json",
            static_url=DOCS_ASSETS,
            telemetry=_telemetry(definition.name),
            # NUL characters and unknown query parameters are refused before the guard looks anything up
            # by the path's ids.
            dependencies=[
                Depends(refuse_nul_parameters),
                Depends(refuse_unknown_query_parameters),
                Depends(authorize),
            ],
        )
        service_app.state.system = system
        service_app.state.service_name = definition.name
        # Hostile input is refused here, once for every service, before any view (or the guard) sees it.
        install_error_handlers(service_app)
        service_app.add_middleware(BodyGuard, max_body_bytes=system.settings.http_max_body_bytes)
        # Before the body is read or the guard runs: a request the service has no room for costs nothing.
        service_app.add_middleware(
            AdmissionControl,
            gate=AdmissionGate(
                max_in_flight=system.settings.resolved_max_in_flight,
                wait_seconds=system.settings.http_admission_wait_seconds,
            ),
            retry_after_seconds=system.settings.http_overload_retry_after_seconds,
            exclude=_untraced,
        )
        service_app.add_middleware(RequestMetrics, service=definition.name, exclude=_untraced)
        for router in (*definition.routers, audit_router):
            service_app.include_router(router)
        _add_probes(service_app, service=definition.name)
        _add_service_metrics(service_app)
        _require_rules(service_app, definition.name, policy)
        declare_runtime_statuses(
            service_app,
            [
                *runtime_statuses(
                    system.settings.http_max_body_bytes, system.settings.resolved_max_in_flight
                ),
                *access_statuses(partial(_rule, policy, definition.name)),
            ],
        )
        root.mount(f"/{definition.name}", service_app)
        service_apps[definition.name] = service_app
    serve_in_process(root, service_apps)
    if not system.settings.auth_issuer:
        root.mount("/issuer", _BuiltinIssuerApp(system))
    return root


def _add_service_metrics(app: FastAPI) -> None:
    @app.get("/metrics", include_in_schema=False)
    async def service_metrics(request: Request) -> Response:
        runtime = request.app.state.system.runtime(request.app.state.service_name)
        return Response(await scrape([runtime], process=False), media_type=CONTENT_TYPE_LATEST)


def _require_rules(app: FastAPI, service: str, policy, only: tuple[str, ...] | None = None) -> None:
    """Every route the service serves has an access rule, or the process does not start."""
    # Included routers are nested in `app.routes` (FastAPI >= 0.160): walk the flattened routes.
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute) and (only is None or path in only):
            for method in route.methods:
                if _rule(policy, service, method, path) is None:
                    raise RuntimeError(f"the access policy has no rule for {service} {method} {path}")


def _rule(policy, service: str, method: str, path: str):
    return policy.rule(service, method, path) or policy.rule(EVERY_SERVICE, method, path)


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
        # Reported, not checked (a calendar running out needs a file from the city, not a restart).
        if details := request.app.state.system.readiness_details(service):
            body["detail"] = details
        return JSONResponse(body, status_code)


def create_service_app(name: str) -> FastAPI:
    """The app of one service for distributed mode (`uvicorn services.<name>.main:app`)."""
    return create_app(System(get_settings().model_copy(update={"services": name})))
