"""Every refusal in the report schema is a 422 naming the field, echoing no value, creating nothing."""

from typing import Any

import pytest

from tests.integration.intake.intake_api import CHILD_ID_NUMBER, CHILD_NAME, Intake, build_report, resident_id

FORGED_ID = CHILD_ID_NUMBER[:17] + ("1" if CHILD_ID_NUMBER[17] != "1" else "2")
IN_A_YEAR = "2099-01-01T00:00:00+08:00"

REFUSALS = [
    pytest.param(
        {"child.id_number": FORGED_ID}, ["body", "child", "id_number"], "check character", id="forged"
    ),
    pytest.param(
        {"child.birth_date": "2015-06-08"},
        ["body", "child", "id_number"],
        "disagrees",
        id="birth-date-mismatch",
    ),
    pytest.param(
        {"child.birth_date": "2099-01-01", "child.id_number": None},
        ["body", "child", "birth_date"],
        "in the future",
        id="future-birth-date",
    ),
    pytest.param(
        {"child.birth_date": "2000-01-01", "child.id_number": None},
        ["body", "child", "birth_date"],
        "18 or older",
        id="adult-birth-date",
    ),
    pytest.param(
        {"child.birth_date": None, "child.id_number": resident_id(born="20000101")},
        ["body", "child", "id_number"],
        "18 or older",
        id="adult-resident-id",
    ),
    pytest.param({"child.age": 18}, ["body", "child", "age"], "less than 18", id="age-18"),
    pytest.param(
        {"incident.categories": ["abuse", "bullying"]},
        ["body", "incident", "categories", 1],
        "",
        id="category",
    ),
    pytest.param(
        {"incident.occurred_at": IN_A_YEAR}, ["body", "incident", "occurred_at"], "future", id="future"
    ),
    pytest.param(
        {"incident.description": "   "}, ["body", "incident", "description"], "", id="empty-description"
    ),
]


@pytest.mark.parametrize(("changes", "loc", "message"), REFUSALS)
async def test_a_refused_report_names_the_field_and_creates_nothing(
    intake: Intake, changes: dict[str, Any], loc: list[Any], message: str
) -> None:
    before = await intake.counts()
    body = build_report(**changes)

    response = await intake.submit(body, key="refused-once")

    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert [p["loc"] for p in problems] == [loc]
    assert message in problems[0]["msg"]
    assert set(problems[0]) == {"loc", "msg", "type"}
    for value in (CHILD_NAME, CHILD_ID_NUMBER, FORGED_ID, body["reporter"]["phone"]):
        assert value not in response.text
    assert await intake.counts() == before == dict.fromkeys(before, 0)


async def test_a_body_that_is_not_json_is_refused(intake: Intake) -> None:
    response = await intake.client.post(
        "/intake/v1/reports", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert await intake.scalar("SELECT count(*) FROM reports") == 0


async def test_a_refused_body_does_not_use_up_its_idempotency_key(intake: Intake) -> None:
    refused = await intake.submit(build_report(**{"incident.description": ""}), key="fix-and-retry")
    corrected = await intake.submit(build_report(), key="fix-and-retry")

    assert refused.status_code == 422
    assert corrected.status_code == 202, corrected.text
