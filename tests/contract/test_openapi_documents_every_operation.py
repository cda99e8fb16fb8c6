"""Every service's OpenAPI document is one an integrating agency can work from.

Each service says what it is for; each operation has a summary and a description of its own (not
FastAPI's defaults), every request body an example that its JSON Schema and the route's own model
accept, every field of every model a description, and every error status a view can answer (404 on an
id in the path, 409 on a step that depends on state) declared with a schema. The apps are built as the
process builds them (`backbone.app.create_app`), without starting anything.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from jsonschema import Draft202012Validator
from pydantic import BaseModel, TypeAdapter
from starlette.routing import Mount

from backbone.app import create_app
from backbone.settings import get_settings
from backbone.system import System
from backbone.web.openapi import HTTP_METHODS
from contracts.catalogue import SERVICES
from tests.support.openapi import body_examples

CHILDREN_KEYWORDS = ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties", "$defs")


def _service_apps() -> dict[str, FastAPI]:
    root = create_app(System(get_settings()), manage_lifespan=False)
    return {
        route.path.strip("/"): route.app
        for route in root.routes
        if isinstance(route, Mount) and isinstance(route.app, FastAPI)
    }


APPS = _service_apps()


def _operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any], APIRoute]]:
    routes = {
        (method.lower(), context.path): context.original_route
        for context in iter_route_contexts(app.routes)  # routers included into the app, flattened
        if isinstance(context.original_route, APIRoute)
        for method in context.original_route.methods
    }
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation, routes[(method, path)]


def _body_model(route: APIRoute, schema: dict[str, Any]) -> Any:
    """What the route validates a body with: its body parameter, or the model its view reads it into."""
    if route.body_field is not None:
        return route.body_field.field_info.annotation
    model = getattr(sys.modules[route.endpoint.__module__], schema.get("title", ""), None)
    assert isinstance(model, type) and issubclass(model, BaseModel), (route.path, schema.get("title"))
    return model


def _undescribed_fields(node: Any, where: str) -> Iterator[str]:
    """Every property, at any depth, that has no description."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if not isinstance(prop, dict) or not str(prop.get("description", "")).strip():
                yield f"{where}.{name}"
        for key in CHILDREN_KEYWORDS:
            child = node.get(key)
            if isinstance(child, dict):
                values = child.values() if key in ("properties", "$defs") else [child]
                for value in values:
                    yield from _undescribed_fields(value, where)
            elif isinstance(child, list):
                for value in child:
                    yield from _undescribed_fields(value, where)


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_says_what_it_is_for(service: str) -> None:
    info = APPS[service].openapi()["info"]
    assert len(info.get("description", "").split()) >= 12, (service, info)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_its_own_summary_and_description(service: str) -> None:
    missing = []
    for method, path, operation, route in _operations(APPS[service]):
        default_summary = route.name.replace("_", " ").title()
        summary = operation.get("summary", "").strip()
        description = operation.get("description", "").strip()
        if not summary or summary == default_summary or summary.lower() == route.name.lower():
            missing.append(f"{method.upper()} {path}: summary")
        if len(description.split()) < 6 or description == summary:
            missing.append(f"{method.upper()} {path}: description")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_has_an_example_its_route_accepts(service: str) -> None:
    document = APPS[service].openapi()
    problems = []
    for method, path, operation, route in _operations(APPS[service]):
        if "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        examples = body_examples(document, content)
        if not examples:
            problems.append(f"{method.upper()} {path}: no example")
            continue
        validator = Draft202012Validator({"components": document["components"], **content["schema"]})
        adapter = TypeAdapter(_body_model(route, content["schema"]))
        for example in examples:
            for error in validator.iter_errors(example):
                problems.append(f"{method.upper()} {path}: schema: {error.message}")
            try:
                adapter.validate_python(example)
            except ValueError as error:
                problems.append(f"{method.upper()} {path}: model: {error}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("service", SERVICES)
def test_every_field_has_a_description(service: str) -> None:
    document = APPS[service].openapi()
    undescribed = [
        field
        for name, schema in document["components"]["schemas"].items()
        for field in _undescribed_fields(schema, name)
    ]
    for method, path, operation, _ in _operations(APPS[service]):
        bodies = {"request": operation.get("requestBody", {}), **operation["responses"]}
        for status, response in bodies.items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            undescribed += _undescribed_fields(schema, f"{method.upper()} {path} {status}")
    assert not undescribed, "\n".join(sorted(set(undescribed)))


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_a_view_answers_is_declared_with_its_schema(service: str) -> None:
    problems = []
    for method, path, operation, _ in _operations(APPS[service]):
        responses = operation["responses"]
        expected = set()
        if "{" in path:
            expected.add("404")  # an id in the path that names nothing
            if method != "get":
                expected.add("409")  # a step the referral's (or clock's) state does not allow
        for status in sorted(expected - set(responses)):
            problems.append(f"{method.upper()} {path}: {status} undeclared")
        for status, response in responses.items():
            if status[0] in "45" and "schema" not in response.get("content", {}).get("application/json", {}):
                problems.append(f"{method.upper()} {path}: {status} has no schema")
            if not response.get("description", "").strip():
                problems.append(f"{method.upper()} {path}: {status} has no description")
    assert not problems, "\n".join(problems)
