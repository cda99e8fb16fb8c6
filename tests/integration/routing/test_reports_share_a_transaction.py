"""Reports and agency events about one case applied in one transaction (a consumer's poll batch) work as
one after another: the joining report sees the case the first opened and the agency's acceptance."""

from contracts.events.intake import ReportReceived
from services.routing.cases.handlers import HANDLERS
from tests.integration.routing.routing_support import Routing, accepted, envelope_of, new_id, report, types


async def test_a_batch_opens_accepts_and_joins_a_case_in_one_unit_of_work(routing: Routing) -> None:
    runtime = routing.system.runtime("routing")
    case_id = new_id("case")
    first = report(case_id, categories=["abuse"])  # P2
    joining = report(case_id, categories=["dropout"], immediate_danger=True, new_case=False)
    async with runtime.unit_of_work() as uow:
        await HANDLERS["report.received"](first, envelope_of(first, publisher="intake"), uow)
        assignment, lead = next(
            (e, r)
            for e in uow.emitted
            if e.type == "referrals.assigned.v1"
            for r in e.data["referrals"]
            if r["role"] == "lead"
        )
        acceptance = accepted(assignment.data | lead)
        await HANDLERS["referral.accepted"](
            acceptance, envelope_of(acceptance, publisher="civil_affairs"), uow
        )
        second = envelope_of(joining, publisher="intake")
        await HANDLERS["report.received"](ReportReceived.model_validate(second.data), second, uow)
        await uow.commit()

    case = await routing.case(case_id)
    assert case is not None and case["priority"] == "P1"
    lead = next(r for r in case["referrals"] if r["referral_id"] == lead["referral_id"])
    assert (lead["status"], lead["priority"]) == ("accepted", "P1")
    assert [r["report_id"] for r in case["reports"]] == [first.report_id, joining.report_id]
    assert types(case)[:2] == ["report.received.v1", "case.opened.v1"]
    assert "referral.accepted.v1" in types(case) and "case.priority_raised.v1" in types(case)
    keys = [(r["agency"], r["task"], r["role"]) for r in case["referrals"]]
    assert len(keys) == len(set(keys))
    assert any(r["reason"] == "new_report" for r in case["referrals"])
