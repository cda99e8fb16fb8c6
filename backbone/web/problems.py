"""One error shape for every refusal the runtime or a view makes: where, why, never the value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class Problem(BaseModel):
    """One thing wrong with a request, named by its location (`["query", "offset"]`)."""

    loc: list[str | int] = Field(description="Where: body, path, query or header, then the field's path")
    msg: str = Field(description="What is wrong, in words; never the submitted value")
    type: str = Field(description="A stable machine-readable kind, e.g. `string_too_long`")


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx the runtime answers."""

    detail: list[Problem] = Field(description="Every problem found, each named by its location")


class ErrorMessage(BaseModel):
    """The body of a refusal that is about the request as a whole (401, 403, 404, 409): why, in words."""

    detail: str = Field(description="Why the request was refused, in words; never a submitted value or id")


def problem(loc: Sequence[str | int], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": type_}


def problems_of(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validation errors as problems: location, message and type only.

    Pydantic's `input` and `ctx` carry what the caller sent (a child's name, a whole 10 MB body), so
    they never leave the process.
    """
    return [problem(e["loc"], str(e["msg"]), str(e["type"])) for e in errors]


def refusal(
    status_code: int, problems: list[dict[str, Any]], *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The response refusing a request for these problems."""
    return JSONResponse({"detail": problems}, status_code=status_code, headers=dict(headers or {}))


def declared_refusals(*, not_found: str | None = None, conflict: str | None = None) -> dict[int, dict]:
    """A route's `responses=` for the 404 and 409 its view answers (the others are declared by the
    runtime on every operation)."""
    declared: dict[int, dict] = {}
    if not_found:
        declared[404] = {"model": ErrorMessage, "description": not_found}
    if conflict:
        declared[409] = {"model": ErrorMessage, "description": f"{conflict}; nothing changed"}
    return declared
