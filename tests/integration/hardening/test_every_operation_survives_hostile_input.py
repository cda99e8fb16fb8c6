"""Walk every service's OpenAPI and send each operation the inputs that used to break services.

A NUL in every path and query parameter, offsets past any bigint, bodies that are not JSON: every
answer must be a 4xx (the runtime's declared by the operation), never a 5xx.
"""

from __future__ import annotations

from typing import Any

from contracts.catalogue import SERVICES
from tests.integration.hardening.conftest import Services

NUL = "ab\x00cd"
# Statuses the runtime answers, so declares; a view's own (404, 409) are the view's to declare.
RUNTIME_STATUSES = {413, 415, 422, 503}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _parameters(operation: dict[str, Any], where: str) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == where]


def _url(service: str, path: str, operation: dict[str, Any], value: str) -> str:
    for name in _parameters(operation, "path"):
        path = path.replace("{" + name + "}", value)
    return f"/{service}{path}"


async def test_no_operation_answers_5xx_to_hostile_input(services: Services) -> None:
    before = await services.counts()
    answers: list[tuple[str, str, int]] = []
    for service in SERVICES:
        document = (await services.client.get(f"/{service}/openapi.json")).json()
        for method, path, operation in _operations(document):
            declared = set(operation["responses"])
            attempts: list[dict[str, Any]] = [
                {"url": _url(service, path, operation, NUL.replace("\x00", "%00"))},
                {"url": _url(service, path, operation, "x"), "params": {"offset": str(2**63)}},
            ]
            for name in _parameters(operation, "query"):
                attempts.append({"url": _url(service, path, operation, "x"), "params": {name: NUL}})
                attempts.append({"url": _url(service, path, operation, "x"), "params": {name: str(2**64)}})
            if method != "get":
                for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
                    headers = {"content-type": content_type} if content_type else {}
                    attempts.append(
                        {
                            "url": _url(service, path, operation, "x"),
                            "content": b'{"a": 1}',
                            "headers": headers,
                        }
                    )
                attempts.append(
                    {
                        "url": _url(service, path, operation, "x"),
                        "content": b"[" * 100_000,
                        "headers": {"content-type": "application/json"},
                    }
                )
            for attempt in attempts:
                response = await services.client.request(method, **attempt)
                answers.append((method, attempt["url"], response.status_code))
                assert response.status_code < 500, (method, attempt, response.text[:300])
                if response.status_code in RUNTIME_STATUSES:
                    assert str(response.status_code) in declared, (
                        method,
                        path,
                        response.status_code,
                        declared,
                    )
    assert len(answers) > 200
    assert await services.counts() == before
