"""A second report of the same incident joins the open case: no referral is made twice."""

from tests.integration.routing.routing_support import Routing, new_id, report, types


async def test_corroborating_report_with_same_facts_adds_no_referral(routing: Routing) -> None:
    case_id = new_id("case")
    first = report(case_id, categories=["abuse"])
    case = await routing.opened(first)
    referrals = case["referrals"]

    second = report(case_id, categories=["abuse"], new_case=False, corroborates_report_id=first.report_id)
    case = await routing.applied(second, publisher="intake")

    assert case["referrals"] == referrals
    assert case["priority"] == "P2"
    assert [(r["report_id"], r["new_case"]) for r in case["reports"]] == [
        (first.report_id, True),
        (second.report_id, False),
    ]
    assert case["reports"][1]["corroborates_report_id"] == first.report_id
    assert types(case).count("report.received.v1") == 2
    assert types(case)[-1] == "report.received.v1"


async def test_corroborating_report_with_new_facts_raises_and_adds_only_new_referrals(
    routing: Routing,
) -> None:
    case_id = new_id("case")
    first = report(case_id, categories=["abuse"])
    case = await routing.opened(first)
    before = {(r["agency"], r["task"], r["role"]) for r in case["referrals"]}

    second = report(
        case_id,
        categories=["dropout"],
        immediate_danger=True,
        new_case=False,
        corroborates_report_id=first.report_id,
    )
    case = await routing.applied(second, publisher="intake")

    assert case["priority"] == "P1"
    assert case["priority_history"][-1]["cause"] == "new_report"
    assert case["priority_history"][-1]["reasons"] == ["P1-immediate-danger"]
    added = [r for r in case["referrals"] if (r["agency"], r["task"], r["role"]) not in before]
    assert {(r["agency"], r["task"], r["role"]) for r in added} == {
        ("police", "emergency_response", "lead"),
        ("education", "education_support", "lead"),
        ("civil_affairs", "education_support", "responsible"),
    }
    assert {(r["reason"], r["priority"]) for r in added} == {("new_report", "P1")}
    keys = [(r["agency"], r["task"], r["role"]) for r in case["referrals"]]
    assert len(keys) == len(set(keys))
    assert sorted(case["categories"]) == ["abuse", "dropout"]
