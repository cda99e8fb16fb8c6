"""A report whose resident ID has a wrong check character is refused (422 naming child.id_number) and
leaves no trace anywhere: no child file, no case, no referral in any agency's inbox.

Absence is only meaningful once something that *was* accepted has gone all the way through, so the
reporter's corrected report serves as the propagation barrier before absence is asserted.
"""

from tests.support.journeys import (
    AGENCIES,
    Journey,
    born_years_ago,
    forged,
    report_body,
    synthetic_resident_id,
)


def school_report(id_number: str) -> dict:
    return report_body(
        source="school",
        organization="Kuiwen No. 2 Primary School",
        categories=["abuse"],
        injured=True,
        offender="parent",
        description="Burn marks on the girl's hands; she says her stepmother did it.",
        child={"name": "测试女童", "id_number": id_number, "gender": "female"},
    )


async def test_forged_resident_id_refused(journey: Journey) -> None:
    id_number = synthetic_resident_id(born_years_ago(8), sequence=906)
    assert (await journey.cases())["total"] == 0

    refused = await journey.client.post("/intake/v1/reports", json=school_report(forged(id_number)))

    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"] == ["body", "child", "id_number"]
    assert "check character" in problem["msg"]
    assert id_number[:17] not in refused.text  # the number is never echoed back
    assert (await journey.cases())["total"] == 0

    # The reporter corrects the typo; once that report has reached every inbox, the first would have too.
    accepted = await journey.report(school_report(id_number))
    case = await journey.routed(accepted["case_id"], referrals=10)
    inboxes = await journey.inboxes_hold(case)

    page = await journey.cases()
    assert [c["case_id"] for c in page["items"]] == [accepted["case_id"]] and page["total"] == 1
    assert [r["report_id"] for r in case["reports"]] == [accepted["report_id"]]
    assert {r["case_id"] for agency in AGENCIES for r in inboxes[agency]} == {accepted["case_id"]}
    assert sum(len(inboxes[agency]) for agency in AGENCIES) == len(case["referrals"]) == 10
    file = await journey.child_file(accepted["child_id"])
    assert [r["report_id"] for r in file["reports"]["items"]] == [accepted["report_id"]]
    assert [c["case_id"] for c in file["cases"]["items"]] == [accepted["case_id"]]
    assert accepted["new_case"] is True
