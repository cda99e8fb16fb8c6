"""A task's lead agency withdraws a responsible agency's referral of its task; only a supervisor withdraws a
lead referral. The agency is told once (referral.withdrawn), the referral's deadlines are cancelled, and a
second withdrawal is refused with 409."""

from tests.integration.routing.routing_support import Routing, new_id, referral_of, report, types


async def test_withdrawal_by_the_lead_and_by_supervision(routing: Routing) -> None:
    case_id = new_id("case")
    case = await routing.opened(report(case_id, categories=["abuse"]))  # police lead judicial protection
    police_lead = referral_of(case, "police", "judicial_protection")["referral_id"]
    education = referral_of(case, "education", "judicial_protection", role="responsible")["referral_id"]
    civil = referral_of(case, "civil_affairs", "judicial_protection", role="responsible")["referral_id"]
    reason = {"reason": "the school already supports the child"}

    async def withdraw(account: str, referral_id: str, body: dict | None = None) -> tuple[int, dict]:
        async with routing.system.callers.client(account) as caller:
            answer = await caller.post(f"/routing/v1/referrals/{referral_id}/withdraw", json=body or reason)
        return answer.status_code, answer.json()

    # Not the task's lead, another district, or the lead itself (its own lead referral): 403, nothing changes.
    assert (await withdraw("education-platform", civil))[0] == 403
    assert (await withdraw("civil-affairs-cases", police_lead))[0] == 403
    assert (await withdraw("police-dispatch-370703", education))[0] == 403
    assert (await withdraw("police-dispatch", police_lead))[0] == 403
    status, refused = await withdraw("police-dispatch", education, {"reason": " "})
    assert (status, refused["detail"][0]["loc"]) == (422, ["body", "reason"])

    status, withdrawn = await withdraw("police-dispatch", education)
    assert status == 200, withdrawn
    assert (withdrawn["status"], withdrawn["withdrawn_by"]) == ("withdrawn", "police")
    status, again = await withdraw("police-dispatch", education)
    assert (status, again["detail"]) == (
        409,
        "the referral is already withdrawn: only an open referral can be withdrawn",
    )

    status, by_office = await withdraw("joint-office", police_lead, {"reason": "handled by the court"})
    assert (status, by_office["withdrawn_by"]) == (200, "joint_meeting_office.supervisor")
    assert (await withdraw("joint-office", "ref-nope"))[0] == 404

    case = await routing.case_when(
        case_id, lambda c: types(c).count("referral.withdrawn.v1") == 2, "withdrawn"
    )
    statuses = {r["referral_id"]: r["status"] for r in case["referrals"]}
    assert (statuses[education], statuses[police_lead], statuses[civil]) == (
        "withdrawn",
        "withdrawn",
        "pending",
    )
    acceptance = {
        c["subject_id"]: c["state"] for c in case["sla_clocks"] if c["clock"] == "referral.acceptance"
    }
    assert (acceptance[education], acceptance[police_lead], acceptance[civil]) == (
        "cancelled",
        "cancelled",
        "running",
    )
    assert not any("supports the child" in entry["summary"] for entry in case["timeline"])
    published = await routing.emitted(
        lambda events: sum(e.type == "referral.withdrawn.v1" for e in events) >= 2, "withdrawals published"
    )
    withdrawals = [e.data for e in published if e.type == "referral.withdrawn.v1"]
    assert [(w["referral_id"], w["agency"], w["reason"]) for w in withdrawals] == [
        (education, "education", "the school already supports the child"),
        (police_lead, "police", "handled by the court"),
    ]
