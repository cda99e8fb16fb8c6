"""Signing in to the operations page: a token from the issuer (password grant through the public
`console` client), kept in an HttpOnly, SameSite=Strict cookie (Secure over https); CSRF checks on the
sign-in and sign-out forms (SameSite plus a double-submit token and the Origin header)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qsl, urlsplit

import httpx
from fastapi import Request
from fastapi.responses import Response
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

SESSION_COOKIE = "ops_session"
CSRF_COOKIE = "ops_csrf"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/ops"
LOGIN_CLIENT = "console"
MAX_FORM_BYTES = 4096


class SignInRefused(Exception):
    """The issuer did not give a token: `reason` is what the person is told (never the values sent)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FormRefused(Exception):
    """A sign-in or sign-out form that is not this page's own (CSRF) or not a small form."""


async def obtain_token(*, issuer_url: str, username: str, password: str) -> tuple[str, int]:
    """An access token and its lifetime in seconds for a person, from the issuer's token endpoint."""
    if not username or not password:
        raise SignInRefused("give the account name and its password")
    async with httpx.AsyncClient(timeout=10.0) as client:
        try:
            discovery = await client.get(f"{issuer_url}/.well-known/openid-configuration")
            discovery.raise_for_status()
            answer = await client.post(
                discovery.json()["token_endpoint"],
                data={
                    "grant_type": "password",
                    "client_id": LOGIN_CLIENT,
                    "username": username,
                    "password": password,
                },
            )
        except (httpx.HTTPError, KeyError, ValueError):
            raise SignInRefused("the identity provider cannot be reached; try again shortly") from None
    if answer.status_code in (400, 401):
        raise SignInRefused("unknown account or wrong password")
    if answer.status_code != 200:
        raise SignInRefused("the identity provider refused the sign-in; try again shortly")
    body = answer.json()
    return body["access_token"], int(body.get("expires_in", 300))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token_of(request: Request) -> str:
    """The browser's CSRF token (a fresh one when it has none yet; `remember_csrf` stores it)."""
    return request.cookies.get(CSRF_COOKIE) or new_csrf_token()


async def read_form(request: Request) -> dict[str, str]:
    """A small url-encoded form posted from this page itself, or FormRefused."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise FormRefused("send the page's form")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormRefused("the form is too large")
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    if not _same_origin(request):
        raise FormRefused("the form was not sent from this page")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.get(CSRF_FIELD, "").encode()):
        raise FormRefused("the form has expired; reload the page and try again")
    return form


def _same_origin(request: Request) -> bool:
    """The Origin (or Referer) the browser sent names this site; a form from elsewhere is refused."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent or sent == "null":
        return False
    origin = urlsplit(sent)
    return (origin.scheme, origin.netloc) == (request.url.scheme, request.url.netloc)


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def remember_csrf(response: Response, request: Request, token: str) -> None:
    _cookie(response, request, CSRF_COOKIE, token, None)


def start_session(response: Response, request: Request, token: str, lifetime_seconds: int) -> None:
    """Keep the token for as long as it lives; a fresh CSRF token for the signed-in pages."""
    _cookie(response, request, SESSION_COOKIE, token, lifetime_seconds)
    remember_csrf(response, request, new_csrf_token())


def end_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


class SessionBearer:
    """Presents the session cookie's token to the guard as the bearer token the APIs take.

    The guard stays the one place deciding; a request that brings its own Authorization header keeps it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = list(scope["headers"])
            if not any(name == b"authorization" for name, _ in headers):
                token = _cookie_value(headers, SESSION_COOKIE)
                if token:
                    scope = {**scope, "headers": [*headers, (b"authorization", f"Bearer {token}".encode())]}
        await self.app(scope, receive, send)


def _cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie" and (found := cookie_parser(value.decode("latin-1")).get(name)):
            return found
    return None
