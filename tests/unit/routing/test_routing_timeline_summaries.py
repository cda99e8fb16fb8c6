"""Timeline summaries exist for every event about a case routing sees, and carry no personal data."""

from datetime import UTC, date, datetime

import pytest

from contracts.catalogue import load_catalogue
from contracts.events.agencies import ReferralDeclined
from contracts.events.civil_affairs import CaseClosed, PlacementRecorded, ReporterInformed
from contracts.events.education import SchoolContacted
from contracts.events.health import HealthAdmitted
from contracts.events.intake import ReportReceived
from contracts.events.police import PoliceResolved
from contracts.events.routing import ReferralCreated
from services.routing.cases.timeline import SUMMARIES, summarize

CATALOGUE = load_catalogue()
AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
SECRET = "张小明 13800138000 幸福路1号"  # a name, a phone and an address that must never be echoed


def test_every_family_routing_consumes_or_publishes_has_a_summary() -> None:
    routing_families = {s.family for s in CATALOGUE.consumed_by("routing")}
    published = {
        s.family
        for s in CATALOGUE.specs()
        if "routing" in s.publishers and s.model.model_fields.get("case_id")
    }
    missing = (routing_families | published) - SUMMARIES.keys()
    assert not missing


@pytest.mark.parametrize(
    "event",
    [
        ReportReceived(
            report_id="r1", case_id="c1", child_id="k1", child_display_name=SECRET, child_gender="male",
            source="hotline", categories=["abuse"], immediate_danger=True, injured=False, occurred_at=AT,
            received_at=AT, district="370702", area="rural", new_case=True,
        ),
        ReferralDeclined(
            referral_id="f1", case_id="c1", agency="police", task="judicial_protection", role="lead",
            reason=SECRET, declined_at=AT,
        ),
        PoliceResolved(
            referral_id="f1", case_id="c1", outcome="criminal_case_opened", injury_found=False,
            criminal_case_number=SECRET, resolved_at=AT,
        ),
        HealthAdmitted(referral_id="f1", case_id="c1", hospital=SECRET, admitted_at=AT),
        SchoolContacted(referral_id="f1", case_id="c1", school=SECRET, contacted_at=AT),
        PlacementRecorded(
            referral_id="f1", case_id="c1", placement="kinship", institution=SECRET, placed_at=AT
        ),
        ReporterInformed(referral_id="f1", case_id="c1", message=SECRET, informed_at=AT),
        CaseClosed(referral_id="f1", case_id="c1", outcome=SECRET, closed_at=AT),
    ],
    ids=lambda e: e.TYPE,
)  # fmt: skip
def test_free_text_names_and_places_stay_out_of_the_timeline(event) -> None:
    summary = summarize(event)
    assert summary
    assert not any(part in summary for part in SECRET.split())


def test_a_referral_summary_names_agency_task_and_why() -> None:
    event = ReferralCreated(
        referral_id="f2", case_id="c1", child_id="k1", agency="civil_affairs", task="judicial_protection",
        role="lead", priority="P2", emergency=False, categories=["abuse"], district="370702", area="urban",
        rule_version="routing.v1", reason="rerouted", replaces_referral_id="f1", created_at=AT,
    )  # fmt: skip
    assert summarize(event) == (
        "referral f2 to civil_affairs: judicial_protection (lead, P2); reason rerouted, replaces f1"
    )


def test_a_return_plan_summary_gives_the_date() -> None:
    from contracts.events.education import ReturnPlanMade

    event = ReturnPlanMade(
        referral_id="f1", case_id="c1", school=SECRET, planned_return_date=date(2026, 12, 1), made_at=AT
    )
    assert summarize(event) == "return-to-school plan made for 2026-12-01"


def test_a_deadline_breach_summary_names_clock_agency_and_who_is_alerted() -> None:
    from contracts.events.routing import SlaBreached

    event = SlaBreached(
        case_id="c1", agency="police", clock="police.first_dispatch", subject_id="f1", started_at=AT,
        due_at=AT, policy_version="sla.v1", late_by_seconds=60, notify="police.supervisor", fired_at=AT,
    )  # fmt: skip
    assert summarize(event) == "police.first_dispatch of police breached; police.supervisor alerted"
