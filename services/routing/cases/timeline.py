"""The case's timeline: rendered, when read, from the case's event log (each envelope routing consumed
or emitted about the case, stored once as it was: `event_row`). Short summaries: codes and ids only,
never personal data.

Free-text fields (decline reasons, outcomes, messages, hold and withdrawal reasons, progress notes) and
places (hospital, school, institution) are left out on purpose: they may name or locate the child.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from backbone.privacy import mask_name
from contracts.catalogue import family_of, load_catalogue
from contracts.envelope import CloudEvent, Event
from sla.stamping import occurred_at


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _codes(values: Any) -> str:
    return ", ".join(str(getattr(v, "value", v)) for v in values) or "none"


def _referral(verb: str) -> Callable[[Any], str]:
    return lambda e: f"{e.agency} {verb} referral {e.referral_id} ({e.task}, {e.role})"


SUMMARIES: dict[str, Callable[[Any], str]] = {
    # intake
    "report.received": lambda e: (
        f"report {e.report_id} {'opened the case' if e.new_case else 'joined the case'}: "
        f"categories {_codes(e.categories)}; immediate danger {_yes(e.immediate_danger)}; "
        f"injured {_yes(e.injured)}; source {e.source}"
    ),
    "intake.reporter_feedback_recorded": lambda e: f"reporter told the outcome ({len(e.report_ids)} reports)",
    # agencies on referrals
    "referral.accepted": _referral("accepted"),
    "referral.declined": lambda e: (
        _referral("declined")(e) + (f": {e.reason_code}" if getattr(e, "reason_code", None) else "")
    ),
    "referral.completed": _referral("completed"),
    "referral.held": _referral("put on hold"),
    "referral.resumed": _referral("resumed"),
    "referral.progress_noted": lambda e: f"{e.agency} posted a progress note on referral {e.referral_id}",
    # police
    "police.dispatched": lambda e: f"police unit {e.unit} dispatched ({e.area})",
    "police.arrived": lambda e: "police on scene",
    "police.resolved": lambda e: f"police resolved: {e.outcome}; injury found {_yes(e.injury_found)}",
    # health
    "health.admitted": lambda e: "child received for treatment",
    "health.findings_recorded": lambda e: (
        f"medical findings: injury evidence {_yes(e.injury_evidence)}, severity {e.severity}"
    ),
    "health.mental_health_assessed": lambda e: (
        f"mental health assessed: risk {e.risk}; follow-up needed {_yes(e.follow_up_needed)}"
    ),
    "health.discharged": lambda e: f"discharged to {e.discharged_to}",
    # education
    "education.school_contacted": lambda e: "school contacted child and family",
    "education.return_plan_made": lambda e: f"return-to-school plan made for {e.planned_return_date}",
    "education.aid_enrolled": lambda e: f"enrolled in {e.programme}",
    "education.psychological_support_started": lambda e: "school psychological support started",
    # civil affairs
    "civil_affairs.assessment_completed": lambda e: (
        f"assessment completed: safety {e.safety}, guardianship {e.guardianship}; needs {_codes(e.needs)}"
    ),
    "civil_affairs.assistance_planned": lambda e: f"assistance planned: {_codes(e.measures)}",
    "civil_affairs.placement_recorded": lambda e: f"placement recorded: {e.placement}",
    "civil_affairs.intervention_decided": lambda e: f"guardianship intervention decided: {e.intervention}",
    "civil_affairs.monitoring_started": lambda e: "case under monitoring",
    "civil_affairs.visit_logged": lambda e: f"home visit logged: child safe {_yes(e.child_safe)}",
    "civil_affairs.reporter_informed": lambda e: "outcome for the reporter decided",
    "civil_affairs.case_closed": lambda e: "case closed",
    "civil_affairs.approval_requested": lambda e: f"supervisor's approval requested: {e.kind}",
    "civil_affairs.approval_decided": lambda e: (
        f"{e.kind} {'approved' if e.approved else 'rejected'} by {e.decided_by}"
    ),
    # routing's own
    "case.opened": lambda e: (
        f"case opened at {e.priority} ({_codes(e.priority_reasons)}) under {e.rule_version}"
    ),
    "referral.created": lambda e: (
        f"referral {e.referral_id} to {e.agency}: {e.task} ({e.role}, {e.priority}"
        f"{', emergency' if e.emergency else ''}); reason {e.reason}"
        + (f", replaces {e.replaces_referral_id}" if e.replaces_referral_id else "")
    ),
    "referrals.assigned": lambda e: (
        f"referrals to {e.agency} ({e.priority}); reason {e.reason}: "
        + "; ".join(
            f"{r.referral_id} {r.task} ({r.role}{', emergency' if r.emergency else ''}"
            + (f", replaces {r.replaces_referral_id})" if r.replaces_referral_id else ")")
            for r in e.referrals
        )
    ),
    "referral.withdrawn": lambda e: (
        f"referral {e.referral_id} ({e.agency}, {e.task}, {e.role}) withdrawn by {e.withdrawn_by}"
    ),
    "lead.transfer_requested": lambda e: f"{e.from_agency} asked {e.agency} to take the lead of {e.task}",
    "lead.transfer_accepted": lambda e: (
        f"{e.to_agency} took the lead of {e.task} over from {e.agency}: referral {e.new_referral_id}"
    ),
    "lead.transfer_refused": lambda e: f"{e.to_agency} refused the lead of {e.task}",
    "case.priority_raised": lambda e: f"priority raised {e.previous_priority} -> {e.priority}: {e.reason}",
    # deadlines (emitted by services/routing/deadlines; it records them with `store.emit_and_record`)
    "sla.warning": lambda e: f"{e.clock} of {e.agency} at {round(e.threshold * 100)}% of its time",
    "sla.breached": lambda e: f"{e.clock} of {e.agency} breached; {e.notify} alerted",
    "sla.escalated": lambda e: f"{e.clock} of {e.agency} breach escalated to {e.level}",
    "referral.escalated": lambda e: (
        f"referral {e.referral_id} ({e.agency}) escalated to the {e.to}: {e.reason}"
    ),
}


def summarize(event: Event) -> str:
    """The timeline line for an event."""
    return SUMMARIES[family_of(event.TYPE)](event)[:500]


def event_row(*, case_id: str, envelope: CloudEvent) -> dict[str, Any]:
    """The event log row of an envelope about the case: the envelope as consumed or emitted."""
    data = envelope.data
    if "child_display_name" in data:  # routing keeps masked names only, whatever a publisher sent
        data = data | {"child_display_name": mask_name(data["child_display_name"])}
    return {
        "event_id": envelope.id,
        "case_id": case_id,
        "event_type": envelope.type,
        "source": envelope.source,
        "time": envelope.time,
        "data": data,
    }


def render(event_type: str, data: dict[str, Any]) -> tuple[datetime | None, str | None, str]:
    """An event log entry as the timeline shows it: when it happened, its referral and its line."""
    event = load_catalogue().parse(event_type, data)
    return occurred_at(event), getattr(event, "referral_id", None), summarize(event)
