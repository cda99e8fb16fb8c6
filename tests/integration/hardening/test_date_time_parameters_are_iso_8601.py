"""A date-time query parameter is ISO 8601 with a time zone; a number (Unix seconds) is a 422."""

from __future__ import annotations

import pytest

from tests.integration.hardening.conftest import Services, problems

DATE_TIME_PARAMETERS = [
    ("/police/v1/referrals", "received_after"),
    ("/health/v1/referrals", "received_after"),
    ("/police/v1/sla", "due_before"),
    ("/routing/v1/sla", "due_before"),
    ("/routing/v1/sla/compliance", "since"),
]


@pytest.mark.parametrize(("path", "parameter"), DATE_TIME_PARAMETERS)
async def test_numbers_are_refused(services: Services, path: str, parameter: str) -> None:
    for value in ["0.5", "0", "1764547200", "-1", "1e10", "2026", "", "tomorrow"]:
        response = await services.client.get(path, params={parameter: value})
        assert response.status_code == 422, (path, value, response.text)
        assert [loc for loc, _ in problems(response)] == [("query", parameter)]


@pytest.mark.parametrize(("path", "parameter"), DATE_TIME_PARAMETERS)
async def test_iso_8601_with_a_zone_is_accepted(services: Services, path: str, parameter: str) -> None:
    for value in ["2026-11-26T08:00:00+08:00", "2026-11-26T00:00:00Z", "2026-11-26T00:00:00.123456+00:00"]:
        response = await services.client.get(path, params={parameter: value})
        assert response.status_code == 200, (path, value, response.text)
    naive = await services.client.get(path, params={parameter: "2026-11-26T08:00:00"})
    assert naive.status_code == 422, naive.text
