"""Every status the runtime can answer, declared on every operation of every service's OpenAPI.

To declare another (401/403 for authentication, 429 for rate limits), add a `RuntimeStatus` to
`RUNTIME_STATUSES`, or pass extra ones to `declare_runtime_statuses`; `applies` picks the operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from backbone.web.bodies import BODYLESS_METHODS, MAX_JSON_DEPTH
from backbone.web.failures import RETRY_AFTER_SECONDS
from backbone.web.problems import ErrorBody

COMPONENTS = "#/components/schemas/"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# FastAPI's default 422 model: it shows `input` and `ctx`, which the runtime never answers.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def every_operation(method: str, operation: dict[str, Any]) -> bool:
    return True


def takes_a_body(method: str, operation: dict[str, Any]) -> bool:
    return method.upper() not in BODYLESS_METHODS


@dataclass(frozen=True)
class RuntimeStatus:
    status: int
    description: str
    applies: Callable[[str, dict[str, Any]], bool] = every_operation
    headers: dict[str, Any] = field(default_factory=dict)


def runtime_statuses(max_body_bytes: int) -> list[RuntimeStatus]:
    """The statuses the runtime itself answers, whatever the view."""
    return [
        RuntimeStatus(
            413, f"The body is larger than {max_body_bytes} bytes (`HTTP_MAX_BODY_BYTES`)", takes_a_body
        ),
        RuntimeStatus(
            415, "The request has a body (or a Content-Type) that is not application/json", takes_a_body
        ),
        RuntimeStatus(
            422,
            "A parameter or body field is invalid (including NUL characters and JSON nested deeper than "
            f"{MAX_JSON_DEPTH} levels); each problem is named by its location, never by its value",
        ),
        RuntimeStatus(
            503,
            "The service's store is unavailable; nothing was changed, retry after `Retry-After` seconds",
            headers={
                "Retry-After": {
                    "description": f"Seconds to wait before retrying (typically {RETRY_AFTER_SECONDS})",
                    "schema": {"type": "integer"},
                }
            },
        ),
    ]


def declare_runtime_statuses(app: FastAPI, statuses: Iterable[RuntimeStatus]) -> None:
    """Make `app.openapi()` declare each status, with the shared error schema, where it applies."""
    statuses = list(statuses)
    generate = app.openapi
    declared: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()  # FastAPI's, cached: the changes below are made once and kept
        if declared and declared[0] is document:
            return document
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template=COMPONENTS + "{model}")
        schemas.update(error_schema.pop("$defs", {}))
        schemas[ErrorBody.__name__] = error_schema
        for path_item in document.get("paths", {}).values():
            for method, operation in path_item.items():
                if method in HTTP_METHODS:
                    _declare(method, operation, statuses)
        _drop_unreferenced(document, _FASTAPI_VALIDATION_SCHEMAS)
        declared[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _declare(method: str, operation: dict[str, Any], statuses: list[RuntimeStatus]) -> None:
    responses = operation.setdefault("responses", {})
    for declared in statuses:
        if not declared.applies(method, operation):
            continue
        key = str(declared.status)
        existing = responses.get(key)
        if existing is not None and not _is_fastapi_validation_error(existing):
            continue  # the view declared this status itself
        response: dict[str, Any] = {
            "description": declared.description,
            "content": {"application/json": {"schema": {"$ref": COMPONENTS + ErrorBody.__name__}}},
        }
        if declared.headers:
            response["headers"] = declared.headers
        responses[key] = response


def _is_fastapi_validation_error(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref") == COMPONENTS + "HTTPValidationError"


def _drop_unreferenced(document: dict[str, Any], names: tuple[str, ...]) -> None:
    schemas = document["components"]["schemas"]
    for name in names:
        text = repr({k: v for k, v in document.items() if k != "components"}) + repr(
            {k: v for k, v in schemas.items() if k not in names}
        )
        if name in schemas and COMPONENTS + name not in text:
            del schemas[name]
