"""A P1 police referral whose dispatch never comes: warnings at 50% and 75%, one breach, escalation."""

from datetime import datetime, timedelta

from tests.support.deadline_events import alerts, report_p1_case
from tests.support.paging import items
from tests.support.topics import topic_reader
from tests.support.waiting import eventually


async def test_missing_dispatch_warns_breaches_and_escalates(deadlines_system, fake_clock) -> None:
    system, client = deadlines_system
    started = fake_clock.now
    referral = await report_p1_case(system, client, case_id="case-nd", at=started)

    async def first_dispatch(state: str | None = None) -> list[dict]:
        params = {"agency": "police", **({"state": state} if state else {})}
        return [
            c
            for c in items(await client.get("/routing/v1/sla", params=params))
            if c["clock"] == "police.first_dispatch"
        ]

    [clock] = await first_dispatch()
    assert clock["state"] == "running" and clock["priority"] == "P1"
    assert datetime.fromisoformat(clock["due_at"]) == fake_clock.now + timedelta(minutes=3)

    async with topic_reader(system.transport, "routing.events") as messages:
        fake_clock.advance(minutes=1, seconds=31)
        await eventually(lambda: first_dispatch("warning"), until=lambda c: len(c) == 1, what="50% warning")
        fake_clock.advance(minutes=1, seconds=30)  # 3:01 after creation
        [breached] = await eventually(
            lambda: first_dispatch("breached"), until=lambda c: len(c) == 1, what="breach"
        )
        assert breached["late_by_seconds"] >= 1
        fake_clock.advance(minutes=3)  # open as long again: the joint meeting office
        await eventually(
            lambda: _count(messages, "sla.escalated", "police.first_dispatch"),
            until=lambda n: n == 1,
            what="escalation",
        )

    warnings = alerts(messages, type_prefix="sla.warning", clock="police.first_dispatch")
    assert sorted(w["threshold"] for w in warnings) == [0.5, 0.75]
    [breach] = alerts(messages, type_prefix="sla.breached", clock="police.first_dispatch")
    assert breach["notify"] == "police.supervisor" and breach["subject_id"] == referral["referral_id"]
    assert breach["case_id"] == "case-nd"
    assert datetime.fromisoformat(breach["due_at"]) == started + timedelta(minutes=3)
    [escalation] = alerts(messages, type_prefix="sla.escalated", clock="police.first_dispatch")
    assert escalation["level"] == "joint_meeting_office" and escalation["late_by_seconds"] >= 180


async def _count(messages, type_prefix: str, clock: str) -> int:
    return len(alerts(messages, type_prefix=type_prefix, clock=clock))
