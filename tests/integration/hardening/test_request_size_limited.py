"""A body larger than HTTP_MAX_BODY_BYTES (1 MiB by default) is a 413, declared or streamed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from tests.integration.hardening.conftest import Services, problems
from tests.integration.intake.intake_api import build_report

LIMIT = 1_048_576


def _oversized_report() -> bytes:
    return json.dumps(build_report(**{"incident.description": "x" * (LIMIT + 1)})).encode()


async def test_a_declared_oversized_body_is_refused(services: Services) -> None:
    before = await services.counts()
    response = await services.client.post(
        "/intake/v1/reports", content=_oversized_report(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text[:300]
    assert problems(response) == [(("body",), "body_too_large")]
    assert str(LIMIT) in response.json()["detail"][0]["msg"]
    assert len(response.content) < 500
    assert await services.counts() == before


async def test_a_streamed_oversized_body_is_refused(services: Services) -> None:
    body = _oversized_report()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await services.client.post(
        "/intake/v1/detentions", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413, response.text[:300]


async def test_a_body_just_under_the_limit_reaches_the_view(services: Services) -> None:
    detention = {
        "detention_reference": "x" * (LIMIT - 500),
        "district": "370702",
        "area": "urban",
        "children": [{"name": "李小红", "gender": "female", "age": 7, "district": "370702"}],
    }
    body = json.dumps(detention, ensure_ascii=False).encode()
    assert len(body) < LIMIT
    response = await services.client.post(
        "/intake/v1/detentions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text[:300]
    assert problems(response) == [(("body", "detention_reference"), "string_too_long")]
