"""Every list endpoint pages with the same bounded `limit` and `offset` and answers the same envelope;
beyond the bounds is a 422.

An offset of 2^63 or more used to reach PostgreSQL and fail there (bigint out of range) as a 500.
"""

from __future__ import annotations

import pytest

from backbone.web.paging import MAX_OFFSET
from contracts.catalogue import SERVICES
from tests.integration.hardening.conftest import Services, problems
from tests.support.paging import page_of

LIST_ENDPOINTS = [
    "/routing/v1/cases",
    "/routing/v1/sla",
    "/routing/v1/sla/compliance",
    "/police/v1/referrals",
    "/health/v1/referrals",
    "/education/v1/referrals",
    "/civil_affairs/v1/referrals",
    "/police/v1/sla",
    "/civil_affairs/v1/sla",
    "/civil_affairs/v1/escalations",
    "/routing/v1/audit",  # every service's audit trail is the same router
]


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
async def test_offset_and_limit_are_bounded(services: Services, path: str) -> None:
    for params, parameter in [
        ({"offset": str(2**63)}, "offset"),
        ({"offset": str(2**64 + 1)}, "offset"),
        ({"offset": "9" * 5000}, "offset"),
        ({"offset": str(MAX_OFFSET + 1)}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "0"}, "limit"),
        ({"limit": str(2**63)}, "limit"),
    ]:
        response = await services.client.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert [loc for loc, _ in problems(response)] == [("query", parameter)]
    within = page_of(await services.client.get(path, params={"offset": str(MAX_OFFSET), "limit": "1"}))
    assert (within["items"], within["limit"], within["offset"]) == ([], 1, MAX_OFFSET)


async def test_every_list_endpoint_uses_the_shared_paging(services: Services) -> None:
    """The bounds are one definition: each list endpoint documents the same offset bound."""
    for path in LIST_ENDPOINTS:
        service = path.split("/")[1]
        document = (await services.client.get(f"/{service}/openapi.json")).json()
        parameters = {
            p["name"]: p["schema"]
            for p in document["paths"][path.removeprefix(f"/{service}")]["get"]["parameters"]
        }
        assert parameters["offset"]["maximum"] == MAX_OFFSET, path
        assert parameters["limit"]["minimum"] == 1, path


async def test_no_operation_answers_a_bare_list(services: Services) -> None:
    """A list grows without bound; every one is a page (`Page[...]`), never a JSON array."""
    for service in SERVICES:
        document = (await services.client.get(f"/{service}/openapi.json")).json()
        schemas = document["components"]["schemas"]
        for path, item in document["paths"].items():
            for method, operation in item.items():
                answer = operation["responses"].get("200") or operation["responses"].get("202") or {}
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
                assert schema.get("type") != "array", (service, method, path)
                if path.endswith(("/referrals", "/sla", "/escalations", "/audit", "/cases", "/compliance")):
                    assert set(schema.get("properties", {})) == {"items", "total", "limit", "offset"}, path
