"""A lead referral the police decline goes to civil affairs, the overall lead, as a re-routed referral."""

from tests.integration.routing.routing_support import Routing, declined, new_id, referral_of, report, types


async def test_declined_police_lead_referral_is_rerouted_to_civil_affairs(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))  # P2: police lead judicial protection
    police = referral_of(case, "police", "judicial_protection")

    case = await routing.applied(declined(police, reason="张小明's family moved"), publisher="police")

    assert referral_of(case, "police", "judicial_protection")["status"] == "declined"
    assert referral_of(case, "police", "judicial_protection")["decline_reason_code"] == "outside_mandate"
    rerouted = referral_of(case, "civil_affairs", "judicial_protection")
    assert rerouted["reason"] == "rerouted"
    assert rerouted["replaces_referral_id"] == police["referral_id"]
    assert (rerouted["status"], rerouted["priority"], rerouted["rule_version"]) == (
        "pending",
        "P2",
        "routing.v1",
    )
    assert types(case)[-2:] == ["referral.declined.v2", "referral.created.v1"]
    assert all("张小明" not in e["summary"] for e in case["timeline"])


async def test_declined_responsible_referral_is_left_to_its_lead(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    education = referral_of(case, "education", "judicial_protection", role="responsible")

    case = await routing.applied(declined(education), publisher="education")

    assert referral_of(case, "education", "judicial_protection", role="responsible")["status"] == "declined"
    assert {r["reason"] for r in case["referrals"]} == {"triage"}
    assert all(r["escalated_at"] is None for r in case["referrals"])
