"""A report's referrals are announced as one `referrals.assigned` per agency: every referral once, in its
agency's event, and each event carries the deadlines the SLA policy starts for its referrals, the same
ones routing's clocks and the agency's view derive from the event."""

from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent
from contracts.events.routing import ReferralsAssigned
from services.routing.cases.decide import decide_report
from services.routing.triage import RoutingRules
from sla.policy import SlaPolicy
from sla.stamping import envelope_stamps
from tests.unit.routing.report_plans import NOW, ids, p1_report

RULES = RoutingRules.load()
POLICY = SlaPolicy.load()


def plan_of_a_p1_report():
    return decide_report(
        event=p1_report(), event_id="envelope-1", case=None, rules=RULES, policy=POLICY, now=NOW, new_id=ids()
    )


def test_one_event_per_agency_carries_each_of_its_referrals_once() -> None:
    plan = plan_of_a_p1_report()
    assigned = [e for e in plan.events if isinstance(e, ReferralsAssigned)]

    assert len(plan.referrals) == 10 and len(assigned) == 4
    assert sorted(e.agency for e in assigned) == ["civil_affairs", "education", "health", "police"]
    for event in assigned:
        rows = [r for r in plan.referrals if r["agency"] == event.agency]
        assert [(r.referral_id, r.task, r.role, r.emergency) for r in event.referrals] == [
            (r["referral_id"], r["task"], r["role"], r["emergency"]) for r in rows
        ]
    assert sorted(r.referral_id for e in assigned for r in e.referrals) == sorted(
        r["referral_id"] for r in plan.referrals
    )


def test_its_deadlines_are_the_clocks_the_policy_starts_for_its_referrals() -> None:
    plan = plan_of_a_p1_report()
    catalogue = load_catalogue()
    for event in plan.events:
        if not isinstance(event, ReferralsAssigned):
            continue
        envelope = CloudEvent.of(
            event.model_dump(mode="json"), source="/routing", type=event.TYPE, subject=event.case_id
        )
        derived = envelope_stamps(envelope, policy=POLICY, catalogue=catalogue)
        assert [
            (d.clock, d.subject_id, d.started_at, d.due_at, d.policy_version) for d in event.deadlines
        ] == [(s.clock, s.subject_id, s.started_at, s.due_at, s.policy_version) for s in derived]
        # every referral has its acceptance deadline; the police's emergency one its dispatch deadline
        acceptance = {d.subject_id for d in event.deadlines if d.clock == "referral.acceptance"}
        assert acceptance == {r.referral_id for r in event.referrals}
        dispatch = {d.subject_id for d in event.deadlines if d.clock == "police.first_dispatch"}
        assert dispatch == {
            r.referral_id for r in event.referrals if event.agency == "police" and r.emergency
        }
        assert all(d.started_at == NOW and d.due_at > NOW for d in event.deadlines)
    police = next(e for e in plan.events if isinstance(e, ReferralsAssigned) and e.agency == "police")
    assert any(d.clock == "police.first_dispatch" for d in police.deadlines)
