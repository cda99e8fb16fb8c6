"""A body that is not `application/json` is a 415 in every service, and changes nothing.

Before, intake accepted `text/plain` and bodies without a content type, so any web page could make a
visitor's browser submit reports (a cross-site "simple" request needs no preflight).
"""

from __future__ import annotations

import json

import pytest

from tests.integration.hardening.conftest import Services, problems
from tests.integration.intake.intake_api import build_report

REPORT = json.dumps(build_report()).encode()


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"content-type": "text/plain; charset=utf-8"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "multipart/form-data; boundary=x"},
        {},
    ],
    ids=["text", "text-charset", "form", "multipart", "no-content-type"],
)
async def test_a_report_that_is_not_declared_json_is_refused(services: Services, headers: dict) -> None:
    before = await services.counts()
    response = await services.client.post("/intake/v1/reports", content=REPORT, headers=headers)
    assert response.status_code == 415, response.text
    assert problems(response) == [(("header", "content-type"), "unsupported_media_type")]
    assert await services.counts() == before


async def test_a_cross_site_form_post_without_a_body_is_refused(services: Services) -> None:
    for path in ["/routing/v1/sla/clocks/x/resume", "/police/v1/referrals/x/accept"]:
        response = await services.client.post(
            path, content=b"", headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 415, (path, response.text)


async def test_json_is_accepted_with_or_without_parameters(services: Services) -> None:
    for content_type in ["application/json", "application/json; charset=utf-8"]:
        body = json.dumps(build_report(**{"child.name": f"王{content_type[-1]}"})).encode()
        response = await services.client.post(
            "/intake/v1/reports", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 202, response.text


async def test_a_post_without_body_needs_no_content_type(services: Services) -> None:
    response = await services.client.post("/routing/v1/sla/clocks/no-such-clock/resume")
    assert response.status_code == 404, response.text
