"""An agency event about a case routing never opened is dead-lettered with the reason; the next applies."""

from contracts.events.police import PoliceArrived
from tests.integration.routing.routing_support import NOW, Routing, new_id, referral_of, report, types
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


async def test_event_for_unknown_case_is_dead_lettered(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["missing"]))
    police = referral_of(case, "police", "emergency_response")

    await routing.send(
        PoliceArrived(referral_id="r-x", case_id="no-such-case", arrived_at=NOW), publisher="police"
    )
    case = await routing.applied(
        PoliceArrived(referral_id=police["referral_id"], case_id=case_id, arrived_at=NOW), publisher="police"
    )

    async with topic_reader(routing.system.transport, "routing.dlq") as dead_letters:

        async def count() -> int:
            return len(dead_letters)

        await eventually(count, until=lambda n: n >= 1, what="dead letter")
    reason = dead_letters[0].headers["dlq_reason"].decode()
    assert "UnknownCase" in reason and "no-such-case" in reason
    assert types(case)[-1] == "police.arrived.v1"
