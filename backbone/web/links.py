"""OpenAPI `links` derived from the API itself: what one answer names, the next operation can act on.

An answer field named like another operation's path parameter (`referral_id`, `case_id`, `report_id`)
links to it, as does that field of a page's first item (`items/0/referral_id`): an inbox links to
accepting, declining and completing its referral and to the agency's steps, a filed report to reading
it. Clients and tools (Swagger UI, schemathesis' stateful runs) follow them; nothing is declared by hand,
so a new operation is linked as soon as its parameter is named like the field that holds its id.
"""

from __future__ import annotations

import re
from typing import Any

_PATH_PARAMETER = re.compile(r"{([^}]+)}")
_METHODS = ("get", "put", "post", "delete", "patch")


def add_links(document: dict[str, Any]) -> None:
    """Add a link from every operation's success answer to each operation whose path ids it holds."""
    schemas = document.get("components", {}).get("schemas", {})
    operations = [
        (path, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in _METHODS and operation.get("operationId")
    ]
    for _, operation in operations:
        answer = _success(operation)
        if answer is None:
            continue
        fields = _fields(answer.get("content", {}).get("application/json", {}).get("schema", {}), schemas)
        links: dict[str, Any] = {}
        for other_path, other in operations:
            parameters = _PATH_PARAMETER.findall(other_path)
            if other is operation or not parameters or not all(p in fields for p in parameters):
                continue
            links[other["operationId"]] = {
                "operationId": other["operationId"],
                "parameters": {p: f"$response.body#{fields[p]}" for p in parameters},
            }
        if links:
            answer.setdefault("links", {}).update(links)


def _success(operation: dict[str, Any]) -> dict[str, Any] | None:
    statuses = sorted(s for s in operation.get("responses", {}) if s.startswith("2"))
    return operation["responses"][statuses[0]] if statuses else None


def _fields(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, str]:
    """Field name -> JSON pointer into the answer: top-level string fields, or those of a page's items."""
    schema = _resolved(schema, schemas)
    properties = schema.get("properties", {})
    fields = {name: f"/{name}" for name, field in properties.items() if _is_text(field, schemas)}
    page_items = _resolved(properties.get("items", {}), schemas)
    if page_items.get("type") == "array":
        item = _resolved(page_items.get("items", {}), schemas)
        for name, field in item.get("properties", {}).items():
            if _is_text(field, schemas):
                fields.setdefault(name, f"/items/0/{name}")
    return fields


def _is_text(field: dict[str, Any], schemas: dict[str, Any]) -> bool:
    field = _resolved(field, schemas)
    return field.get("type") == "string" or any(
        _resolved(option, schemas).get("type") == "string" for option in field.get("anyOf", [])
    )


def _resolved(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref", "")
    return schemas.get(reference.rsplit("/", 1)[-1], {}) if reference else schema
