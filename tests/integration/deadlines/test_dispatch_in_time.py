"""A dispatch before the due time stops the first-dispatch clock: met, and never breached."""

from tests.support.deadline_events import alerts, dispatch, report_p1_case
from tests.support.paging import items
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


async def test_dispatch_before_due_stops_clock_without_breach(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    referral = await report_p1_case(system, client, case_id="case-it", at=fake_clock.now)

    async def clocks(name: str) -> list[dict]:
        found = items(await client.get("/routing/v1/sla", params={"case_id": "case-it"}))
        return [c for c in found if c["clock"] == name]

    await eventually(
        lambda: clocks("police.first_dispatch"), until=lambda c: len(c) == 1, what="clock started"
    )
    fake_clock.advance(minutes=1, seconds=31)
    await eventually(
        lambda: clocks("police.first_dispatch"), until=lambda c: c[0]["warned"], what="50% warning fired"
    )
    fake_clock.advance(seconds=29)
    await dispatch(system, referral, at=fake_clock.now)  # through the police topic on Kafka

    [met] = await eventually(
        lambda: clocks("police.first_dispatch"),
        until=lambda c: c and c[0]["state"] == "met",
        what="clock met",
    )
    assert met["late_by_seconds"] == 0
    # The dispatch started the arrival clock (urban: 5 minutes); let that one breach, which proves the
    # timer ran well past the first-dispatch due time.
    async with topic_reader(system.transport, "routing.events") as messages:
        fake_clock.advance(minutes=6)
        await eventually(
            lambda: clocks("police.arrival"),
            until=lambda c: c and c[0]["state"] == "breached",
            what="arrival",
        )
        await eventually(
            lambda: _count(messages, "sla.breached", "police.arrival"), until=lambda n: n == 1, what="event"
        )
    assert alerts(messages, type_prefix="sla.breached", clock="police.first_dispatch") == []
    [warning] = alerts(messages, type_prefix="sla.warning", clock="police.first_dispatch")
    assert warning["threshold"] == 0.5  # fired at 1.5 min, before the dispatch at 2 min


async def _count(messages, type_prefix: str, clock: str) -> int:
    return len(alerts(messages, type_prefix=type_prefix, clock=clock))
