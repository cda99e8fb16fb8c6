"""Exceptions as answers: validation errors without their values, a store outage as 503.

Registered on every service's app by the runtime, so no view handles them itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import TracebackType
from typing import Literal

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backbone.logging import database_error_summary
from backbone.web.peers import PEER_RETRY_AFTER_SECONDS, PeerUnavailable
from backbone.web.problems import problem, problems_of, refusal

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# SQLSTATE classes and codes meaning "the server is not there for us right now": connection
# exceptions (08), operator intervention (57P: shutting down, starting up), too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53300")
# Values a view let through that the store cannot keep: NUL / untranslatable characters, numbers
# out of range, text too long. The caller's input, so a 422, and the transaction changed nothing.
_UNSTORABLE_SQLSTATES = {"22021", "22P05", "22003", "22001"}
# The transaction met a concurrent one (a deadlock, a serialization failure): rolled back, nothing
# changed, and the same request again will most likely pass.
_CONTENDED_SQLSTATES = {"40P01", "40001"}
CONTENDED_RETRY_AFTER_SECONDS = 1
DatabaseFailure = Literal["unavailable", "unstorable", "contended"]


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _raised_by_database_driver(traceback: TracebackType | None) -> bool:
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("asyncpg", "sqlalchemy")):
            return True
        traceback = traceback.tb_next
    return False


def classify_database_error(error: BaseException) -> DatabaseFailure | None:
    """`unavailable` when the store cannot be reached, `unstorable` for a value it refuses, `contended`
    when the transaction lost to a concurrent one, else None."""
    for current in _chain(error):
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(sqlstate, str):
            if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
                return "unavailable"
            if sqlstate in _UNSTORABLE_SQLSTATES:
                return "unstorable"
            if sqlstate in _CONTENDED_SQLSTATES:
                return "contended"
        if isinstance(current, asyncpg.ConnectionDoesNotExistError | PoolTimeout):
            return "unavailable"
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return "unavailable"
        # Refused, reset, timed out: the socket to the server, as long as the driver was using it.
        if isinstance(current, OSError) and _raised_by_database_driver(current.__traceback__):
            return "unavailable"
    return None


async def validation_refused(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return refusal(422, problems_of(error.errors()))


async def database_failed(request: Request, error: Exception) -> JSONResponse:
    failure = classify_database_error(error)
    service = getattr(request.app.state, "service_name", None)
    if failure == "unavailable":
        log.warning(
            "store unavailable; answered 503",
            extra={
                "service": service,
                "database_error": database_error_summary(error) or type(error).__name__,
            },
        )
        return refusal(
            503,
            [problem([], "the service's store is unavailable; retry later", "store_unavailable")],
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if failure == "contended":
        log.warning(
            "transaction met a concurrent one; answered 503",
            extra={"service": service, "database_error": database_error_summary(error)},
        )
        return refusal(
            503,
            [problem([], "the change met a concurrent one and was not made; retry", "concurrent_change")],
            headers={"Retry-After": str(CONTENDED_RETRY_AFTER_SECONDS)},
        )
    if failure == "unstorable":
        log.warning(
            "value refused by the store; answered 422",
            extra={"service": service, "database_error": database_error_summary(error)},
        )
        return refusal(
            422, [problem([], "a value cannot be stored (too long, out of range or NUL)", "unstorable")]
        )
    raise error


async def peer_failed(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, PeerUnavailable)
    log.warning(
        "a service this view reads from is unavailable; answered 503",
        extra={
            "service": getattr(request.app.state, "service_name", None),
            "peer": error.service,
            "peer_failure": error.reason,
        },
    )
    return refusal(
        503,
        [
            problem(
                [],
                f"{error.service}, which holds what this view shows, is unavailable; retry later",
                "peer_unavailable",
            )
        ],
        headers={"Retry-After": str(PEER_RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer validation errors, database failures and unreachable peers the same way in every service."""
    app.add_exception_handler(RequestValidationError, validation_refused)
    app.add_exception_handler(PeerUnavailable, peer_failed)
    for error_class in (OSError, SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError):
        app.add_exception_handler(error_class, database_failed)
