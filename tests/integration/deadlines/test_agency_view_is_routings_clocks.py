"""The police's deadline view is routing's clocks for the police, not a copy: the same clocks, states and
due times as `/routing/v1/sla?agency=police`, a hold's pause shown as it happens, and the filters and
paging passed on to routing."""

from datetime import datetime

from backbone.system import System, load_definition
from tests.integration.deadlines.conftest import deadline_settings, intake, routing
from tests.support.deadline_events import report_p1_case
from tests.support.paging import items
from tests.support.system import serving
from tests.support.waiting import eventually

SHOWN = ("id", "clock", "subject_id", "case_id", "state", "warned", "started_at", "due_at", "stopped_at")


async def test_police_view_is_routings_police_clocks(
    fresh_database_url: str, kafka_bootstrap_servers: str, kafka_namespace: str, fake_clock, tmp_path
) -> None:
    settings = deadline_settings(fresh_database_url, kafka_bootstrap_servers, kafka_namespace, tmp_path)
    system = System(settings, [routing, intake, load_definition("police")])
    await system.start()
    try:
        async with serving(system) as client:
            referral = await report_p1_case(system, client, case_id="case-rv", at=fake_clock.now)
            rid = referral["referral_id"]

            async def police_view(**params: str) -> list[dict]:
                return items(await client.get("/police/v1/sla", params=params))

            async def routing_police_clocks() -> list[dict]:
                answer = await client.get("/routing/v1/sla", params={"agency": "police"})
                return items(answer)

            # Dispatch and acceptance of the emergency referral, acceptance of the judicial one.
            view = await eventually(police_view, until=lambda v: len(v) == 3, what="police deadlines")
            assert [{k: c[k] for k in SHOWN} for c in view] == [
                {k: c[k] for k in SHOWN} for c in await routing_police_clocks()
            ]

            fake_clock.advance(seconds=30)
            for step, body in (("accept", {}), ("dispatch", {"unit": "patrol-3"})):
                answer = await client.post(f"/police/v1/referrals/{rid}/{step}", json=body)
                assert answer.status_code in (200, 201, 202), answer.text
            fake_clock.advance(minutes=1)
            held = await client.post(f"/police/v1/referrals/{rid}/hold", json={"reason": "scene sealed"})
            assert held.status_code == 200, held.text

            [arrival] = await eventually(
                lambda: police_view(state="paused"),
                until=lambda v: [c["clock"] for c in v] == ["police.arrival"],
                what="the hold pauses arrival",
            )
            assert datetime.fromisoformat(arrival["paused_at"]) == fake_clock.now
            met = await police_view(state="met")
            assert sorted((c["clock"], c["subject_id"]) for c in met) == [
                ("police.first_dispatch", rid),
                ("referral.acceptance", rid),
            ]
            assert all(c["breached_at"] is None and c["late_by_seconds"] == 0 for c in met)

            first = await client.get("/police/v1/sla", params={"limit": 1, "offset": 1})
            assert first.status_code == 200
            assert (first.json()["total"], first.json()["limit"], first.json()["offset"]) == (4, 1, 1)
            assert len(first.json()["items"]) == 1
    finally:
        await system.stop()
