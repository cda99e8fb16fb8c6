"""Query and path parameters every service shares: date-times, no NUL characters, no undeclared query
parameters (paging: paging.py)."""

import re
from typing import Annotated, Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

from backbone.web.bodies import NUL, nul_in_text
from backbone.web.problems import problem

_ISO_8601 = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_8601_only(value: Any) -> Any:
    # Pydantic reads a number (or a numeric string such as "0.5") as Unix seconds; a caller who sent
    # one meant something else, so it is refused rather than read as a moment in 1970.
    if isinstance(value, str) and _ISO_8601.match(value):
        return value
    raise PydanticCustomError(
        "datetime_format", "should be an ISO 8601 date-time with a time zone, e.g. 2026-11-26T08:00:00+08:00"
    )


# A date-time query parameter: ISO 8601 with a time zone, nothing else.
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_8601_only)]


async def refuse_nul_parameters(request: Request) -> None:
    """Every route's first dependency: a NUL in a path, query or header value is refused by name.

    PostgreSQL cannot store or compare text holding U+0000 (SQLSTATE 22021), so such a value would
    otherwise reach the database and fail there as a 500.
    """
    problems = [
        nul_in_text(["path", name]) for name, value in request.path_params.items() if NUL in str(value)
    ]
    for name, value in request.query_params.multi_items():
        if NUL in name:
            problems.append(nul_in_text(["query"]))
        elif NUL in value:
            problems.append(nul_in_text(["query", name]))
    problems += [nul_in_text(["header", name]) for name, value in request.headers.items() if NUL in value]
    if problems:
        raise RequestValidationError(problems)


# A query parameter name worth naming in a refusal: what a client library would send, not arbitrary text.
_PARAMETER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}")


async def refuse_unknown_query_parameters(request: Request) -> None:
    """A query parameter the operation does not declare is refused, not ignored.

    A misspelt filter (`?stauts=pending`) would otherwise answer the unfiltered list as if it were the
    filtered one; the OpenAPI of every operation lists exactly the parameters it reads.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = _declared_query_parameters(route)
    unknown = sorted({name for name in request.query_params if name not in declared})
    if unknown:
        raise RequestValidationError(
            [
                problem(
                    ["query", name] if _PARAMETER_NAME.fullmatch(name) else ["query"],
                    "this operation has no such query parameter",
                    "unknown_parameter",
                )
                for name in unknown
            ]
        )


def _declared_query_parameters(route: APIRoute) -> frozenset[str]:
    cached: frozenset[str] | None = getattr(route, "_declared_query_parameters", None)
    if cached is not None:
        return cached
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    route._declared_query_parameters = frozenset(names)  # type: ignore[attr-defined]  # routes are fixed
    return route._declared_query_parameters  # type: ignore[attr-defined]
