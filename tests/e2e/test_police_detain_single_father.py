"""The police detain a single father of two young children: each child becomes a report and a case.

The police give both children to intake (`POST /intake/v1/detentions`), the only holder of children's
personal data: one police report per child (de-facto unattended, guardianship failure; under 8 and
alone, so in immediate danger), and the answer names each child's case. The police's own record of
the detention holds those case ids only. Routing opens one case per child with civil-affairs rescue and
assessment referrals, and civil affairs places each child with kin.
"""

from collections import Counter

from tests.support.journeys import (
    DISTRICT,
    Journey,
    assignments,
    born_years_ago,
    referral_keys,
    referral_of,
    synthetic_resident_id,
    timeline_types,
)
from tests.support.waiting import eventually

EXPECTED_REFERRALS = Counter(
    {
        ("police", "emergency_response", "lead"): 1,
        ("civil_affairs", "rescue_and_protection", "lead"): 1,
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
        ("education", "rescue_and_protection", "responsible"): 1,
        ("police", "rescue_and_protection", "responsible"): 1,
    }
)


def child(name: str, *, years: int, sequence: int, gender: str) -> dict:
    born = born_years_ago(years)
    return {
        "name": name,
        "gender": gender,
        "birth_date": born.isoformat(),
        "id_number": synthetic_resident_id(born, sequence=sequence),
        "district": DISTRICT,
    }


async def test_police_detain_single_father(journey: Journey) -> None:
    detention = await journey.post(
        "/intake/v1/detentions",
        {
            "detention_reference": "WCPSB-2026-1126-017",
            "district": DISTRICT,
            "area": "urban",
            "children": [
                child("测试哥哥", years=5, sequence=905, gender="male"),
                child("测试妹妹", years=3, sequence=904, gender="female"),
            ],
        },
        expect=201,
    )
    assert detention["children_count"] == 2
    case_ids = [c["case_id"] for c in detention["children"]]
    assert len(set(case_ids)) == 2
    at_police = await eventually(
        lambda: journey.client.get(f"/police/v1/detentions/{detention['detention_id']}"),
        until=lambda answer: answer.status_code == 200,
        what="the police's record of the detention",
    )
    assert at_police.json()["case_ids"] == case_ids
    assert "测试" not in at_police.text

    def all_routed(page: dict) -> bool:
        return page["total"] == 2 and all(c["open_referrals"] == 5 for c in page["items"])

    page = await eventually(journey.cases, until=all_routed, what="two cases, each with its referrals")
    assert sorted(c["case_id"] for c in page["items"]) == sorted(case_ids)
    cases = [await journey.case_or_none(c["case_id"]) for c in page["items"]]
    assert sorted(c["child"]["age_years"] for c in cases) == [3, 5]
    assert len({c["child"]["child_id"] for c in cases}) == 2  # two children, two files

    for case in cases:
        assert (case["status"], case["priority"], case["priority_reasons"]) == (
            "open",
            "P1",
            ["P1-immediate-danger"],
        )
        assert sorted(case["categories"]) == ["de_facto_unattended", "guardianship_failure"]
        assert referral_keys(case) == EXPECTED_REFERRALS
        opened = ["report.received.v1", "case.opened.v1"]
        assert timeline_types(case) == [*opened, *assignments(EXPECTED_REFERRALS)]
        [report] = case["reports"]
        at_intake = await journey.intake_report(report["report_id"])
        assert (at_intake["source"], at_intake["reporter"], at_intake["case_id"]) == (
            "police",
            None,
            case["case_id"],
        )
        assert at_intake["incident"]["immediate_danger"] is True
        assert at_intake["child"]["display_name"] == "测***"
        file = await journey.child_file(case["child"]["child_id"])
        assert [(c["case_id"], len(c["report_ids"])) for c in file["cases"]["items"]] == [
            (case["case_id"], 1)
        ]

    inboxes = await journey.inboxes_hold(*cases)
    assert Counter(r["task"] for r in inboxes["civil_affairs"]) == {
        "rescue_and_protection": 2,
        "assessment_and_assistance": 2,
    }
    assert sorted(
        r["case_id"] for r in inboxes["civil_affairs"] if r["task"] == "rescue_and_protection"
    ) == sorted(c["case_id"] for c in cases)
    assert (len(inboxes["police"]), len(inboxes["education"]), inboxes["health"]) == (4, 2, [])

    # Civil affairs takes each child in: both go to their grandmother (kinship care).
    for case in cases:
        rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
        await journey.accept("civil_affairs", rescue)
        await journey.step("civil_affairs", rescue, "placement", {"placement": "kinship"})
    for case in cases:
        placed = await journey.on_timeline(case["case_id"], "civil_affairs.placement_recorded.v1")
        assert timeline_types(placed)[-2:] == ["referral.accepted.v1", "civil_affairs.placement_recorded.v1"]
        assert referral_keys(placed) == EXPECTED_REFERRALS
    assert (await journey.cases())["total"] == 2
