"""A priority raise shows on the case's open referrals in routing's case view, as in the agencies' inboxes;
a referral already declined keeps the priority it had."""

from tests.integration.routing.routing_support import Routing, declined, new_id, referral_of, report
from tests.integration.routing.test_injury_finding_raises_priority import findings


async def test_open_referrals_take_the_raised_priority(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))  # P2
    education = referral_of(case, "education", "judicial_protection", role="responsible")
    await routing.applied(declined(education), publisher="education")
    health_task = referral_of(case, "civil_affairs", "rescue_and_protection")

    case = await routing.applied(findings(health_task, "serious"), publisher="health")

    assert case["priority"] == "P1"
    by_key = {(r["agency"], r["task"], r["role"]): r for r in case["referrals"]}
    assert by_key[("education", "judicial_protection", "responsible")]["priority"] == "P2"
    made_before = [r for r in case["referrals"] if r["reason"] == "triage" and r["status"] == "pending"]
    assert made_before and {r["priority"] for r in made_before} == {"P1"}
