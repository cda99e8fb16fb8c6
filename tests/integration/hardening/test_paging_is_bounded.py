"""Every list endpoint pages with the same bounded `limit` and `offset`; beyond the bounds is a 422.

An offset of 2^63 or more used to reach PostgreSQL and fail there (bigint out of range) as a 500.
"""

from __future__ import annotations

import pytest

from backbone.web.params import MAX_OFFSET
from tests.integration.hardening.conftest import Services, problems

LIST_ENDPOINTS = [
    "/routing/v1/cases",
    "/routing/v1/sla",
    "/police/v1/referrals",
    "/health/v1/referrals",
    "/education/v1/referrals",
    "/civil_affairs/v1/referrals",
    "/police/v1/sla",
    "/civil_affairs/v1/sla",
    "/civil_affairs/v1/escalations",
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
    within = await services.client.get(path, params={"offset": str(MAX_OFFSET), "limit": "1"})
    assert within.status_code == 200, within.text


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
