"""JSON nested deeper than any API's documents is a 422, not a RecursionError and a 500."""

from __future__ import annotations

from backbone.web.bodies import MAX_JSON_DEPTH
from tests.integration.hardening.conftest import Services, problems

JSON = {"content-type": "application/json"}


async def test_a_hundred_thousand_brackets_are_refused(services: Services) -> None:
    before = await services.counts()
    response = await services.client.post("/intake/v1/reports", content=b"[" * 100_000, headers=JSON)
    assert response.status_code == 422, response.text
    assert problems(response) == [(("body",), "json_too_deep")]
    assert await services.counts() == before


async def test_nesting_past_the_limit_is_refused_in_every_service(services: Services) -> None:
    deep = '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)
    for path in [
        "/routing/v1/sla/clocks/x/pause",
        "/police/v1/detentions",
        "/civil_affairs/v1/referrals/x/decline",
    ]:
        response = await services.client.post(path, content=deep, headers=JSON)
        assert response.status_code == 422, (path, response.text)
        [(loc, kind)] = problems(response)
        assert kind == "json_too_deep" and loc[0] == "body"
