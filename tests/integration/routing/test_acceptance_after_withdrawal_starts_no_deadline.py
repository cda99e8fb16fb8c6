"""An acceptance the agency sent before it learnt of the withdrawal changes nothing: the referral stays
withdrawn and no deadline starts for it (none would ever stop, and it would breach against the agency)."""

from tests.integration.routing.routing_support import Routing, accepted, new_id, referral_of, report, types


async def test_a_crossing_acceptance_starts_nothing(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    school = referral_of(case, "education", "judicial_protection", role="responsible")
    async with routing.system.callers.client("police-dispatch") as police:
        answer = await police.post(
            f"/routing/v1/referrals/{school['referral_id']}/withdraw", json={"reason": "not needed"}
        )
    assert answer.status_code == 200, answer.text

    case = await routing.applied(accepted(school), publisher="education")

    assert "referral.accepted.v1" in types(case)
    assert referral_of(case, "education", "judicial_protection", role="responsible")["status"] == "withdrawn"
    mine = {c["clock"]: c["state"] for c in case["sla_clocks"] if c["subject_id"] == school["referral_id"]}
    assert mine == {"referral.acceptance": "cancelled"}
