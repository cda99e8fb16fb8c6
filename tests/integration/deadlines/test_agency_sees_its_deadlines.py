"""The police see their own deadlines at /police/v1/sla: started by routing's referral, breached by
routing's alert, and met late once the unit is dispatched through the police API."""

from backbone.system import System, load_definition
from tests.integration.deadlines.conftest import deadline_settings, intake, routing
from tests.support.deadline_events import report_p1_case
from tests.support.paging import items
from tests.support.system import serving
from tests.support.waiting import eventually


async def test_police_deadline_view_follows_start_breach_and_late_dispatch(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path
) -> None:
    settings = deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    system = System(settings, [routing, intake, load_definition("police")])
    await system.start()
    try:
        async with serving(system) as client:
            referral = await report_p1_case(system, client, case_id="case-av", at=fake_clock.now)

            async def police_clock(state: str | None = None) -> list[dict]:
                params = {"state": state} if state else {}
                clocks = items(await client.get("/police/v1/sla", params=params))
                return [c for c in clocks if c["clock"] == "police.first_dispatch"]

            [running] = await eventually(
                police_clock, until=lambda c: len(c) == 1, what="police sees its clock"
            )
            assert running["state"] == "running" and running["subject_id"] == referral["referral_id"]

            fake_clock.advance(minutes=4)
            [breached] = await eventually(
                lambda: police_clock("breached"),
                until=lambda c: len(c) == 1,
                what="breach reaches the police",
            )
            assert breached["breached_at"] is not None

            answer = await client.post(
                f"/police/v1/referrals/{referral['referral_id']}/dispatch", json={"unit": "patrol-3"}
            )
            assert answer.status_code in (200, 201, 202), answer.text
            [late] = await eventually(
                lambda: police_clock("met_late"), until=lambda c: len(c) == 1, what="met late after dispatch"
            )
            assert late["stopped_at"] is not None

            async def routing_clock() -> dict:
                found = items(await client.get("/routing/v1/sla", params={"case_id": "case-av"}))
                return next(c for c in found if c["clock"] == "police.first_dispatch")

            final = await eventually(
                routing_clock, until=lambda c: c["state"] == "met_late", what="routing agrees"
            )
            assert final["late_by_seconds"] >= 60
    finally:
        await system.stop()
