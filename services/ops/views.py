"""The operations page's routes: thin, each gathers its part through `pages` and renders a template."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from backbone.auth.guard import bearer_token
from backbone.clock import utcnow
from services.ops import pages
from services.ops.api import ServicesApi, services_api
from services.ops.board import PRIORITIES, duration_text
from services.ops.session import (
    CSRF_FIELD,
    FormRefused,
    SignInRefused,
    csrf_token_of,
    end_session,
    obtain_token,
    read_form,
    remember_csrf,
    start_session,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TEMPLATES.env.filters["duration"] = lambda seconds: "—" if seconds is None else duration_text(seconds)
# How often the page's parts ask for fresh figures (htmx polling); the countdowns tick every second.
REFRESH_SECONDS = 5

router = APIRouter()


def root(request: Request) -> str:
    return request.scope.get("root_path", "")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A template with what every page needs: the mount path, the CSRF token, who is signed in."""
    csrf = csrf_token_of(request)
    access = getattr(request.state, "access", None)
    principal = access.principal if access is not None else None
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "root": root(request),
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf,
            "principal": principal,
            "refresh_seconds": REFRESH_SECONDS,
            "priorities": PRIORITIES,
            **context,
        },
        status_code=status_code,
    )
    remember_csrf(response, request, csrf)
    return response


def _api(request: Request) -> ServicesApi:
    settings = request.app.state.system.settings
    return services_api(bases=settings.service_api_urls, token=bearer_token(request) or "")


Gathering = Callable[[ServicesApi], Awaitable[dict[str, Any]]]


async def _part(
    request: Request,
    template: str,
    gather: Gathering,
    status_of: Callable[[dict[str, Any]], int] | None = None,
) -> Response:
    """Render a part (or page) from what `gather` reads as the signed-in person."""
    api = _api(request)
    async with api.client:
        try:
            context = await gather(api)
        except pages.SessionExpired:
            return signed_out(request)
    return render(request, template, status_code=status_of(context) if status_of else 200, **context)


def signed_out(request: Request) -> Response:
    """Back to the sign-in form: htmx follows HX-Redirect with a full page load; a browser follows 303."""
    login = f"{root(request)}/login"
    if request.headers.get("hx-request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": login})
    else:
        response = RedirectResponse(login, status_code=303)
    end_session(response, request)
    return response


@router.get("/", response_class=HTMLResponse)
async def operations_page(request: Request) -> Response:
    """Live cases, breaches and escalations, and compliance, each part refreshing itself."""
    now = utcnow()

    async def gather(api: ServicesApi) -> dict[str, Any]:
        live, lapses, compliance = await asyncio.gather(
            pages.live(api=api, now=now), pages.breaches(api=api), pages.compliance(api=api)
        )
        return {"live": live, "lapses": lapses, "compliance": compliance}

    return await _part(request, "index.html", gather)


@router.get("/live", response_class=HTMLResponse)
async def live_part(request: Request) -> Response:
    now = utcnow()
    return await _part(request, "_live.html", lambda api: _as("live", pages.live(api=api, now=now)))


@router.get("/breaches", response_class=HTMLResponse)
async def breaches_part(request: Request) -> Response:
    return await _part(request, "_breaches.html", lambda api: _as("lapses", pages.breaches(api=api)))


@router.get("/compliance", response_class=HTMLResponse)
async def compliance_part(request: Request) -> Response:
    return await _part(request, "_compliance.html", lambda api: _as("compliance", pages.compliance(api=api)))


async def _as(name: str, gathering: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    return {name: await gathering}


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str) -> Response:
    """One case: its referrals, clocks and timeline (masked names only) and where its trace is."""
    now = utcnow()
    jaeger = request.app.state.system.settings.ops_jaeger_ui_url
    fragment = request.headers.get("hx-request") is not None

    async def gather(api: ServicesApi) -> dict[str, Any]:
        found = await pages.case(api=api, case_id=case_id, now=now)
        trace_id = None if fragment else await pages.find_trace_id(jaeger, case_id)
        return {
            "found": found,
            "case_id": case_id,
            "trace_url": pages.trace_url(jaeger, trace_id) if trace_id else None,
            "trace_search_url": pages.trace_search_url(jaeger, case_id),
        }

    def status_of(context: dict[str, Any]) -> int:
        return 404 if context["found"].get("status") == 404 else 200

    return await _part(request, "_case.html" if fragment else "case.html", gather, status_of)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    """The sign-in form (the identity provider checks the password; this page keeps only the token)."""
    return render(request, "login.html", error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Exchange the account and password for a token at the issuer; keep the token in a cookie."""
    try:
        form = await read_form(request)
    except FormRefused as refused:
        return render(request, "login.html", status_code=403, error=str(refused))
    issuer_url = request.app.state.system.settings.issuer_url
    try:
        token, lifetime = await obtain_token(
            issuer_url=issuer_url, username=form.get("username", ""), password=form.get("password", "")
        )
    except SignInRefused as refused:
        return render(request, "login.html", status_code=401, error=refused.reason)
    response = RedirectResponse(f"{root(request)}/", status_code=303)
    start_session(response, request, token, lifetime)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Forget the token; back to the sign-in form."""
    try:
        await read_form(request)
    except FormRefused as refused:
        return render(request, "login.html", status_code=403, error=str(refused))
    response = RedirectResponse(f"{root(request)}/login", status_code=303)
    end_session(response, request)
    return response


def refusal_page(request: Request, status_code: int, detail: str) -> Response:
    """The guard's refusals as pages: no token -> the sign-in form; not allowed -> a 403 page."""
    if status_code == 401:
        return signed_out(request)
    template = "forbidden.html" if status_code == 403 else "error.html"
    return render(request, template, status_code=status_code, detail=detail)
