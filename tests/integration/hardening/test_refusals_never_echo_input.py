"""A 422 from any service names each bad field and why, never what was sent (no `input`, no `ctx`).

A bad detention used to come back with the child's name in the error; a 10 MB body as a 52 MB one.
"""

from __future__ import annotations

from tests.integration.hardening.conftest import Services, problems

CHILD = "李小红"


def _detention(**child: object) -> dict:
    return {
        "detention_reference": "DET-1",
        "district": "370702",
        "area": "urban",
        "children": [{"name": CHILD, "gender": "female", "age": 7, "district": "370702", **child}],
    }


async def test_a_bad_detention_names_the_fields_not_the_child(services: Services) -> None:
    before = await services.counts()
    response = await services.client.post(
        "/intake/v1/detentions",
        json=_detention(gender=CHILD, age=CHILD, id_number=CHILD + "123", district=CHILD),
    )
    assert response.status_code == 422, response.text
    assert CHILD not in response.text
    assert {loc for loc, _ in problems(response)} == {
        ("body", "children", 0, field) for field in ("gender", "age", "id_number", "district")
    }
    assert await services.counts() == before


async def test_a_large_invalid_body_gets_a_small_refusal(services: Services) -> None:
    children = ["x" * 1000] * 900  # 900 KB, each item invalid
    response = await services.client.post(
        "/intake/v1/detentions", json={**_detention(), "children": children}
    )
    assert response.status_code == 422
    assert len(response.content) < 1000, len(response.content)


async def test_every_service_answers_validation_errors_the_same_way(services: Services) -> None:
    for path in [
        "/routing/v1/cases?priority=P9",
        "/police/v1/referrals?status=" + CHILD,
        "/civil_affairs/v1/escalations?agency=" + CHILD,
        "/education/v1/sla?state=" + CHILD,
        "/health/v1/referrals?limit=" + CHILD,
    ]:
        response = await services.client.get(path)
        assert response.status_code == 422, (path, response.text)
        assert CHILD not in response.text and "input" not in response.json()["detail"][0]
        assert len(problems(response)) == 1
