"""A referral on hold pauses its running clocks in routing; resumed, they run again with the held time not
counted. Routing's referral shows on_hold while it lasts."""

from datetime import datetime, timedelta

from contracts.events.police import PoliceDispatched
from tests.integration.routing.routing_support import (
    Routing,
    accepted,
    held,
    new_id,
    referral_of,
    report,
    resumed,
    types,
)


async def test_hold_pauses_and_resume_restarts(fake_clock, routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    police = referral_of(case, "police", "judicial_protection")
    start = fake_clock.now
    await routing.applied(accepted(police), publisher="police")
    dispatched = PoliceDispatched(
        referral_id=police["referral_id"], case_id=case_id, unit="patrol-7", area="urban", dispatched_at=start
    )
    case = await routing.applied(dispatched, publisher="police")

    def arrival(case: dict) -> dict:
        return next(c for c in case["sla_clocks"] if c["clock"] == "police.arrival")

    assert arrival(case)["state"] == "running"
    assert datetime.fromisoformat(arrival(case)["due_at"]) == start + timedelta(minutes=5)
    held_at = fake_clock.advance(minutes=1)
    case = await routing.applied(held(police, at=held_at, reason="scene sealed"), publisher="police")
    assert referral_of(case, "police", "judicial_protection")["status"] == "on_hold"
    assert arrival(case)["state"] == "paused"
    assert arrival(case)["pauses"][-1]["reason"] == "referral on hold: scene sealed"

    resumed_at = fake_clock.advance(minutes=10)
    case = await routing.applied(resumed(police, held_at=held_at, at=resumed_at), publisher="police")
    assert referral_of(case, "police", "judicial_protection")["status"] == "accepted"
    assert arrival(case)["state"] == "running"
    assert datetime.fromisoformat(arrival(case)["due_at"]) == start + timedelta(minutes=15)
    assert types(case)[-2:] == ["referral.held.v1", "referral.resumed.v1"]
