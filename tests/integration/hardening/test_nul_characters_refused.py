"""A NUL character (U+0000) anywhere a caller can put text is a 422 naming where, and changes nothing.

PostgreSQL cannot hold U+0000 in text (SQLSTATE 22021): before the runtime refused it, every service
answered such a request with a 500.
"""

from __future__ import annotations

from tests.integration.hardening.conftest import Services, problems
from tests.integration.intake.intake_api import CHILD_NAME, build_report

NUL_LOCATION = "string_nul"


async def test_a_nul_in_a_path_id_is_named(services: Services) -> None:
    for path, parameter in [
        ("/routing/v1/cases/ab%00cd", "case_id"),
        ("/intake/v1/reports/ab%00cd", "report_id"),
        ("/police/v1/referrals/ab%00cd", "referral_id"),
        ("/civil_affairs/v1/referrals/ab%00cd", "referral_id"),
    ]:
        response = await services.client.get(path)
        assert response.status_code == 422, (path, response.text)
        assert problems(response) == [(("path", parameter), NUL_LOCATION)]


async def test_a_nul_in_a_query_value_is_named(services: Services) -> None:
    response = await services.client.get("/routing/v1/sla", params={"case_id": "case\x00x"})
    assert response.status_code == 422, response.text
    assert problems(response) == [(("query", "case_id"), NUL_LOCATION)]


async def test_a_nul_in_a_body_field_is_named_without_its_value(services: Services) -> None:
    before = await services.counts()
    body = build_report(**{"child.name": CHILD_NAME + "\x00", "incident.description": "淤青\x00"})
    response = await services.client.post("/intake/v1/reports", json=body)
    assert response.status_code == 422, response.text
    assert sorted(problems(response)) == [
        (("body", "child", "name"), NUL_LOCATION),
        (("body", "incident", "description"), NUL_LOCATION),
    ]
    assert CHILD_NAME not in response.text and "淤青" not in response.text
    assert await services.counts() == before


async def test_a_nul_in_a_step_body_is_refused_before_the_view(services: Services) -> None:
    response = await services.client.post(
        "/routing/v1/sla/clocks/no-such-clock/pause", json={"reason": "court\x00"}
    )
    assert response.status_code == 422, response.text
    assert problems(response) == [(("body", "reason"), NUL_LOCATION)]
