"""The lead of a task moves to another agency only when that agency accepts: requested, the case view
shows it pending and the lead unchanged; accepted, the receiving agency gets a new lead referral and the
former lead's is withdrawn (its deadlines cancelled); refused, nothing moves. Each step is told once."""

from collections import Counter

from tests.integration.routing.routing_support import Routing, new_id, referral_of, report, types


async def test_request_accept_and_refuse(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))
    judicial = referral_of(case, "police", "judicial_protection")["referral_id"]
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]

    async def call(account: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        async with routing.system.callers.client(account) as caller:
            answer = await caller.post(f"/routing/v1/{path}", json=body)
        return answer.status_code, answer.json()

    offer = {"to_agency": "civil_affairs", "reason": "the child is in care now"}
    status, same = await call(
        "police-dispatch", f"referrals/{judicial}/lead-transfers", offer | {"to_agency": "police"}
    )
    assert (status, same["detail"][0]["loc"]) == (422, ["body", "to_agency"])
    assert (await call("education-platform", f"referrals/{judicial}/lead-transfers", offer))[0] == 403
    status, transfer = await call("police-dispatch", f"referrals/{judicial}/lead-transfers", offer)
    assert (status, transfer["status"], transfer["to_agency"]) == (201, "requested", "civil_affairs")
    status, twice = await call("police-dispatch", f"referrals/{judicial}/lead-transfers", offer)
    assert (status, twice["detail"]) == (409, "a transfer of this lead is already waiting for an answer")

    case = await routing.case(case_id)
    assert {lead["task"]: lead["agency"] for lead in case["leads"]}["judicial_protection"] == "police"
    assert [(t["transfer_id"], t["status"]) for t in case["lead_transfers"]] == [
        (transfer["transfer_id"], "requested")
    ]

    answer = f"lead-transfers/{transfer['transfer_id']}"
    assert (await call("police-dispatch", f"{answer}/accept"))[0] == 403  # only the agency asked answers
    assert (await call("civil-affairs-cases-370703", f"{answer}/accept"))[0] == 403
    status, accepted = await call("civil-affairs-cases", f"{answer}/accept")
    assert (status, accepted["status"]) == (200, "accepted"), accepted
    assert (await call("civil-affairs-cases", f"{answer}/refuse", {"reason": "late"}))[0] == 409

    case = await routing.case_when(case_id, lambda c: "lead.transfer_accepted.v1" in types(c), "lead moved")
    new_lead = next(r for r in case["referrals"] if r["referral_id"] == accepted["new_referral_id"])
    assert (new_lead["agency"], new_lead["role"], new_lead["reason"], new_lead["replaces_referral_id"]) == (
        "civil_affairs",
        "lead",
        "rerouted",
        judicial,
    )
    former = next(r for r in case["referrals"] if r["referral_id"] == judicial)
    assert (former["status"], former["withdrawn_by"]) == ("withdrawn", "lead_transfer")
    assert {lead["task"]: lead["agency"] for lead in case["leads"]}["judicial_protection"] == "civil_affairs"
    acceptance = {
        c["subject_id"]: c["state"] for c in case["sla_clocks"] if c["clock"] == "referral.acceptance"
    }
    assert (acceptance[judicial], acceptance[new_lead["referral_id"]]) == ("cancelled", "running")

    # Civil affairs offers its rescue lead to the police, who refuse it: nothing moves.
    status, offered = await call(
        "civil-affairs-cases", f"referrals/{rescue}/lead-transfers", offer | {"to_agency": "police"}
    )
    assert status == 201
    status, refused = await call(
        "police-dispatch", f"lead-transfers/{offered['transfer_id']}/refuse", {"reason": "not ours"}
    )
    assert (status, refused["status"], refused["refusal_reason"]) == (200, "refused", "not ours")
    case = await routing.case_when(case_id, lambda c: "lead.transfer_refused.v1" in types(c), "refused")
    assert {lead["task"]: lead["agency"] for lead in case["leads"]}[
        "rescue_and_protection"
    ] == "civil_affairs"
    assert Counter(t for t in types(case) if t.startswith(("lead.", "referral.withdrawn"))) == Counter(
        {
            "lead.transfer_requested.v1": 2,
            "lead.transfer_accepted.v1": 1,
            "lead.transfer_refused.v1": 1,
            "referral.withdrawn.v1": 1,
        }
    )
    assert (await call("police-dispatch", "lead-transfers/transfer-nope/accept"))[0] == 404
