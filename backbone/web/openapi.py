"""Every status the runtime can answer, declared on every operation of every service's OpenAPI.

To declare another, add a `RuntimeStatus` to `runtime_statuses` or pass it
to `declare_runtime_statuses` (as `access_statuses` does for 401/403); `applies` picks the operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from backbone.web.bodies import BODYLESS_METHODS, MAX_JSON_DEPTH
from backbone.web.failures import CONTENDED_RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS
from backbone.web.links import add_links
from backbone.web.peers import PEER_RETRY_AFTER_SECONDS
from backbone.web.problems import ErrorBody, ErrorMessage

COMPONENTS = "#/components/schemas/"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# FastAPI's default 422 model: it shows `input` and `ctx`, which the runtime never answers.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


# Whether a status applies to an operation: (method, path as the service declares it, operation).
Applies = Callable[[str, str, dict[str, Any]], bool]


def every_operation(method: str, path: str, operation: dict[str, Any]) -> bool:
    return True


def takes_a_body(method: str, path: str, operation: dict[str, Any]) -> bool:
    return method.upper() not in BODYLESS_METHODS


@dataclass(frozen=True)
class RuntimeStatus:
    status: int
    description: str
    applies: Applies = every_operation
    headers: dict[str, Any] = field(default_factory=dict)
    model: type[BaseModel] = ErrorBody


def runtime_statuses(max_body_bytes: int, max_in_flight: int | None = None) -> list[RuntimeStatus]:
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
            429,
            "This caller (its OAuth client, or its address without a valid token) is over the route's rate "
            "limit (the access policy's `rate_limits`); nothing was done, retry after `Retry-After` seconds",
            headers=_retry_after("Seconds until the caller's window has room again"),
        ),
        RuntimeStatus(
            503,
            "The service's store is unavailable, or the service already works on as many requests as it "
            f"admits at once ({max_in_flight or 'its bound of'} requests in flight, `HTTP_MAX_IN_FLIGHT`; "
            "problem type `overloaded`), or the change met a concurrent one on the same case (problem type "
            "`concurrent_change`: a deadlock or serialization failure, rolled back); "
            "or a service the view reads from (the deadline clocks' owner) cannot be reached (problem type "
            "`peer_unavailable`); nothing was changed, retry after `Retry-After` seconds",
            headers=_retry_after(
                f"Seconds to wait before retrying ({RETRY_AFTER_SECONDS} after a store outage, "
                f"{CONTENDED_RETRY_AFTER_SECONDS} after a concurrent change, {PEER_RETRY_AFTER_SECONDS} when "
                "a service read from is unavailable, "
                "`HTTP_OVERLOAD_RETRY_AFTER_SECONDS` when overloaded)"
            ),
        ),
    ]


def _retry_after(description: str) -> dict[str, Any]:
    return {"Retry-After": {"description": description, "schema": {"type": "integer", "minimum": 1}}}


def access_statuses(rule_of: Callable[[str, str], Any]) -> list[RuntimeStatus]:
    """401 and 403 on every operation whose access rule is not public (`rule_of(method, path)`), 404 on
    every one decided on a resource, and 409 on those of them that change it."""

    def guarded(method: str, path: str, operation: dict[str, Any]) -> bool:
        rule = rule_of(method.upper(), path)
        return rule is None or not rule.public

    def on_a_resource(method: str, path: str, operation: dict[str, Any]) -> bool:
        rule = rule_of(method.upper(), path)
        return rule is not None and rule.resource is not None

    challenge = {
        "WWW-Authenticate": {"description": "The bearer challenge (RFC 6750)", "schema": {"type": "string"}}
    }
    return [
        RuntimeStatus(401, "No valid bearer access token", guarded, challenge, ErrorMessage),
        RuntimeStatus(
            403, "The token's scope or the access policy refuses this caller", guarded, {}, ErrorMessage
        ),
        # The guard loads the resource the rule is decided on before any view runs.
        RuntimeStatus(404, "No such resource (the id names nothing)", on_a_resource, {}, ErrorMessage),
        RuntimeStatus(
            409,
            "The resource's current state does not allow this step (e.g. accept before complete); "
            "nothing was changed",
            lambda method, path, operation: (
                on_a_resource(method, path, operation) and takes_a_body(method, path, operation)
            ),
            {},
            ErrorMessage,
        ),
    ]


def declare_runtime_statuses(app: FastAPI, statuses: Iterable[RuntimeStatus]) -> None:
    """Make `app.openapi()` declare each status, with the shared error schema, where it applies (and
    the links between operations, backbone/web/links.py)."""
    statuses = list(statuses)
    generate = app.openapi
    declared: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()  # FastAPI's, cached: the changes below are made once and kept
        if declared and declared[0] is document:
            return document
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in {s.model for s in statuses}:
            model_schema = model.model_json_schema(ref_template=COMPONENTS + "{model}")
            schemas.update(model_schema.pop("$defs", {}))
            schemas[model.__name__] = model_schema
        for path, path_item in document.get("paths", {}).items():
            for method, operation in path_item.items():
                if method in HTTP_METHODS:
                    _declare(method, path, operation, statuses)
        _drop_unreferenced(document, _FASTAPI_VALIDATION_SCHEMAS)
        add_links(document)  # from what an answer names to the operations acting on it
        declared[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _declare(method: str, path: str, operation: dict[str, Any], statuses: list[RuntimeStatus]) -> None:
    responses = operation.setdefault("responses", {})
    for declared in statuses:
        if not declared.applies(method, path, operation):
            continue
        key = str(declared.status)
        existing = responses.get(key)
        if existing is not None and not _is_fastapi_validation_error(existing):
            continue  # the view declared this status itself
        response: dict[str, Any] = {
            "description": declared.description,
            "content": {"application/json": {"schema": {"$ref": COMPONENTS + declared.model.__name__}}},
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
