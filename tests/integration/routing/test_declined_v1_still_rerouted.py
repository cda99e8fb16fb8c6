"""A decline in the old shape (referral.declined.v1, no reason code) is still applied: consumers keep
accepting the types agencies sent before."""

from tests.integration.routing.routing_support import Routing, declined_v1, new_id, referral_of, report, types


async def test_a_v1_decline_is_rerouted_without_a_code(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    police = referral_of(case, "police", "judicial_protection")

    case = await routing.applied(declined_v1(police), publisher="police")

    declined = referral_of(case, "police", "judicial_protection")
    assert (declined["status"], declined["decline_reason_code"]) == ("declined", None)
    assert (
        referral_of(case, "civil_affairs", "judicial_protection")["replaces_referral_id"]
        == police["referral_id"]
    )
    assert types(case)[-2:] == ["referral.declined.v1", "referral.created.v1"]
