"""A set of envelopes observed at once (a consumer batch, all a handler emitted) means exactly what the
same envelopes one by one would: a stop after a start in the same set stops the clock it started, and a
clock started, stopped and started again within one set leaves one running and the earlier ones met."""

from datetime import timedelta

from backbone.clock import utcnow
from contracts.events.civil_affairs import MonitoringStarted, VisitLogged
from services.routing.deadlines.observe import observe_envelopes
from tests.integration.routing.routing_support import Routing, envelope_of, new_id, report


async def test_starts_and_stops_in_one_set_apply_in_order(routing: Routing) -> None:
    case_id = new_id("case")
    await routing.opened(report(case_id, categories=["abuse"]))
    monitored = utcnow()
    visits = [monitored + timedelta(days=n) for n in (1, 2)]
    about = {"referral_id": new_id("ref"), "case_id": case_id}
    one_set = [
        envelope_of(MonitoringStarted(**about, started_at=monitored), publisher="civil_affairs"),
        *(
            envelope_of(VisitLogged(**about, child_safe=True, visited_at=at), publisher="civil_affairs")
            for at in visits
        ),
    ]

    async with routing.system.runtime("routing").unit_of_work() as uow:
        await observe_envelopes(one_set, uow)
        await uow.commit()

    clocks = [
        c
        for c in (await routing.client.get("/routing/v1/sla", params={"case_id": case_id})).json()["items"]
        if c["clock"] == "child_director.visit"
    ]
    shown = sorted((c["started_at"], c["state"], c["stopped_at"]) for c in clocks)
    assert [(state, stopped is not None) for _, state, stopped in shown] == [
        ("met", True),
        ("met", True),
        ("running", False),
    ]
    # Each visit stopped the clock running before it and started the next one.
    assert [started for started, _, _ in shown][1:] == [stopped for _, _, stopped in shown][:2]
