"""GET a report or a child's file: intake shows them with the child's and reporter's data masked."""

from tests.integration.intake.intake_api import CHILD_ID_NUMBER, CHILD_NAME, Intake, build_report


async def test_a_report_is_shown_with_personal_data_masked(intake: Intake) -> None:
    answer = await intake.accepted(build_report())

    response = await intake.client.get(f"/intake/v1/reports/{answer['report_id']}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["report_id"] == answer["report_id"]
    assert shown["case_id"] == answer["case_id"]
    assert shown["case_status"] == "open"
    assert shown["child"] == {
        "child_id": answer["child_id"],
        "display_name": "张**",
        "gender": "male",
        "age_years": shown["child"]["age_years"],
        "id_number": CHILD_ID_NUMBER[:6] + "*" * 8 + CHILD_ID_NUMBER[-4:],
        "district": "370702",
    }
    assert 9 <= shown["child"]["age_years"] <= 17
    assert shown["reporter"] == {
        "display_name": "王**",
        "organization": "潍坊市实验小学",
        "phone": "138****5678",
        "wants_feedback": True,
    }
    assert shown["incident"]["categories"] == ["abuse"]
    for personal in (CHILD_NAME, CHILD_ID_NUMBER, "2015-06-07", "王老师", "13812345678", "某小区3号楼"):
        assert personal not in response.text


async def test_an_unknown_report_is_404(intake: Intake) -> None:
    response = await intake.client.get("/intake/v1/reports/no-such-report")

    assert response.status_code == 404


async def test_a_childs_file_lists_reports_and_cases_masked(intake: Intake) -> None:
    first = await intake.accepted(build_report())
    second = await intake.accepted(build_report(**{"source": "hospital"}))
    other = await intake.accepted(build_report(**{"incident.categories": ["dropout"]}))

    response = await intake.client.get(f"/intake/v1/children/{first['child_id']}")

    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["child"]["display_name"] == "张**"
    assert [r["report_id"] for r in shown["reports"]["items"]] == [
        first["report_id"],
        second["report_id"],
        other["report_id"],
    ]
    assert [(c["case_id"], c["report_ids"]) for c in shown["cases"]["items"]] == [
        (first["case_id"], [first["report_id"], second["report_id"]]),
        (other["case_id"], [other["report_id"]]),
    ]
    assert CHILD_NAME not in response.text
    assert CHILD_ID_NUMBER not in response.text

    paged = await intake.client.get(
        f"/intake/v1/children/{first['child_id']}", params={"limit": 1, "offset": 1}
    )
    assert paged.status_code == 200, paged.text
    reports, cases = paged.json()["reports"], paged.json()["cases"]
    assert ([r["report_id"] for r in reports["items"]], reports["total"]) == ([second["report_id"]], 3)
    assert [(c["case_id"], c["report_ids"]) for c in cases["items"]] == [
        (other["case_id"], [other["report_id"]])
    ]
    assert (cases["total"], cases["limit"], cases["offset"]) == (2, 1, 1)
    assert (await intake.client.get("/intake/v1/children/no-such-child")).status_code == 404
