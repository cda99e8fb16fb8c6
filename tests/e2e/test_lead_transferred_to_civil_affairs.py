"""The police lead judicial protection for a child hit at home (P2); once the child is in care they ask
civil affairs to take the lead over. Until civil affairs accepts, the police keep it and the case view
shows the transfer pending; accepted, civil affairs' inbox holds one new lead referral and the police's
former lead referral is withdrawn there, refusing any further step. Nothing is lost or duplicated."""

from collections import Counter

from tests.e2e.test_referral_withdrawn_held_and_noted import EXPECTED_REFERRALS, hit_at_home
from tests.support.journeys import Journey, referral_keys, referral_of, timeline_types
from tests.support.waiting import eventually


async def test_lead_transferred_on_acceptance(journey: Journey) -> None:
    case_id = (await journey.report(hit_at_home()))["case_id"]
    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    await journey.inboxes_hold(case)
    judicial = referral_of(case, "police", "judicial_protection")["referral_id"]

    async with journey.callers.client("police-dispatch") as police:
        asked = await police.post(
            f"/routing/v1/referrals/{judicial}/lead-transfers",
            json={"to_agency": "civil_affairs", "reason": "the child is in care now"},
        )
    assert asked.status_code == 201, asked.text
    transfer = asked.json()
    case = await journey.on_timeline(case_id, "lead.transfer_requested.v1")
    assert {lead["task"]: lead["agency"] for lead in case["leads"]}["judicial_protection"] == "police"
    assert [t["status"] for t in case["lead_transfers"]] == ["requested"]

    async with journey.callers.client("civil-affairs-cases") as civil_affairs:
        taken = await civil_affairs.post(f"/routing/v1/lead-transfers/{transfer['transfer_id']}/accept")
        assert taken.status_code == 200, taken.text
        again = await civil_affairs.post(f"/routing/v1/lead-transfers/{transfer['transfer_id']}/accept")
        assert again.status_code == 409
    new_lead = taken.json()["new_referral_id"]

    case = await journey.on_timeline(case_id, "lead.transfer_accepted.v1")
    assert {lead["task"]: lead["agency"] for lead in case["leads"]}["judicial_protection"] == "civil_affairs"
    assert [t["status"] for t in case["lead_transfers"]] == ["accepted"]
    arrived = await journey.in_inbox("civil_affairs", new_lead)
    assert (arrived["role"], arrived["task"], arrived["status"]) == ("lead", "judicial_protection", "pending")
    former = await eventually(
        lambda: journey.in_inbox("police", judicial),
        until=lambda r: r["status"] == "withdrawn",
        what="the police's former lead referral withdrawn",
    )
    assert former["withdrawn_by"] == "lead_transfer"
    refused = await journey.client.post(f"/police/v1/referrals/{judicial}/accept")
    assert refused.status_code == 409

    await journey.inboxes_hold(case)  # every inbox holds exactly the case's referrals: one more, none twice
    assert referral_keys(case) == EXPECTED_REFERRALS + Counter(
        {("civil_affairs", "judicial_protection", "lead"): 1}
    )
    counted = Counter(t for t in timeline_types(case) if t.startswith(("lead.", "referral.withdrawn")))
    assert counted == Counter(
        {"lead.transfer_requested.v1": 1, "lead.transfer_accepted.v1": 1, "referral.withdrawn.v1": 1}
    )
