"""The pure decision on a report: open a case or join one, as rows to write and events to emit.

Given the report, the case as routing holds it (or None), the rules and the time, `decide_report` says
everything the report changes: the report row, the case row (new, or its updated facts and priority),
the priority change, the referrals to make and the events announcing them (one `referrals.assigned`
per agency, with the deadlines the SLA policy starts for its referrals), in the order routing emits
them. No database here: `writer.py` writes a plan with one statement per table, and every branch is
unit-tested on its own (tests/unit/routing/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backbone.privacy import mask_name
from contracts.envelope import Event
from contracts.events.intake import ReportReceived
from contracts.events.routing import CaseOpened, CasePriorityRaised, ReferralsAssigned
from services.routing.cases.assignments import assignments
from services.routing.cases.decisions import (
    ReferralKey,
    new_referral_id,
    new_referrals,
    plan_origin,
    union_facts,
)
from services.routing.cases.models import CaseStatus, ReferralStatus
from services.routing.triage import (
    PlannedReferral,
    Priority,
    RoutingRules,
    TriageFacts,
    raise_priority,
    triage,
)
from sla.policy import SlaPolicy

Row = dict[str, Any]


@dataclass(frozen=True)
class CaseState:
    """What routing holds of a case a report may join: its row's facts and its referrals' keys."""

    case_id: str
    child_id: str
    district: str
    area: str
    source: str
    categories: tuple[str, ...]
    immediate_danger: bool
    injured: bool
    child_age_years: int | None
    priority: Priority
    priority_reasons: tuple[str, ...]
    referral_keys: frozenset[ReferralKey] = frozenset()

    def facts(self) -> TriageFacts:
        """What triage knows about the case: the union of its reports and agency findings."""
        return TriageFacts(
            categories=frozenset(self.categories),
            immediate_danger=self.immediate_danger,
            injured=self.injured,
            child_age_years=self.child_age_years,
            area=self.area,
            source=self.source,
        )


@dataclass(frozen=True)
class ReportPlan:
    """Everything one report changes: rows per table and the events, in emission order."""

    new_case: bool
    report: Row
    case: Row  # the full row of a new case; the facts and priority columns of a joined one
    priority_change: Row | None
    raise_open_referrals_to: Priority | None  # a joined case's raise reaches its open referrals
    referrals: list[Row] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def decide_report(
    *,
    event: ReportReceived,
    event_id: str,
    case: CaseState | None,
    rules: RoutingRules,
    policy: SlaPolicy,
    now: datetime,
    new_id: Callable[[], str] = new_referral_id,
) -> ReportPlan:
    """Open a case for a report routing has no case for, else join it: the plan, nothing written."""
    # Routing trusts its own state over the `new_case` flag: a report for a case it never saw opens
    # that case, and a second "new" report for a case it holds joins it.
    report = {
        "report_id": event.report_id,
        "case_id": event.case_id,
        "event_id": event_id,
        "new_case": case is None,
        "corroborates_report_id": event.corroborates_report_id,
        "categories": [c.value for c in event.categories],
        "received_at": event.received_at,
    }
    if case is None:
        return _open(
            event=event, event_id=event_id, report=report, rules=rules, policy=policy, now=now, new_id=new_id
        )
    return _join(
        event=event,
        event_id=event_id,
        report=report,
        case=case,
        rules=rules,
        policy=policy,
        now=now,
        new_id=new_id,
    )


def _open(
    *,
    event: ReportReceived,
    event_id: str,
    report: Row,
    rules: RoutingRules,
    policy: SlaPolicy,
    now: datetime,
    new_id: Callable[[], str],
) -> ReportPlan:
    facts = TriageFacts(
        categories=frozenset(c.value for c in event.categories),
        immediate_danger=event.immediate_danger,
        injured=event.injured,
        child_age_years=event.child_age_years,
        area=event.area.value,
        source=event.source,
    )
    decision = triage(facts, rules)
    case = {
        "case_id": event.case_id,
        "child_id": event.child_id,
        "child_display_name": mask_name(event.child_display_name),  # idempotent on a masked name
        "child_gender": event.child_gender.value,
        "child_age_years": facts.child_age_years,
        "district": event.district,
        "area": event.area.value,
        "source": event.source,
        "categories": sorted(facts.categories),
        "immediate_danger": facts.immediate_danger,
        "injured": facts.injured,
        "priority": decision.priority.value,
        "priority_reasons": list(decision.priority_reasons),
        "rule_version": decision.rule_version,
        "status": CaseStatus.OPEN.value,
        "opened_at": now,
        "updated_at": now,
    }
    change = _change(
        event.case_id, None, decision.priority, decision.priority_reasons, "triage", event_id, now
    )
    change["rule_version"] = decision.rule_version
    opened = CaseOpened(
        case_id=event.case_id,
        child_id=event.child_id,
        priority=decision.priority,
        priority_reasons=list(decision.priority_reasons),
        rule_version=decision.rule_version,
        opened_at=now,
    )
    referrals, created = _referrals(
        case, decision.referrals, reason="triage", rules=rules, policy=policy, now=now, new_id=new_id
    )
    return ReportPlan(
        new_case=True,
        report=report,
        case=case,
        priority_change=change,
        raise_open_referrals_to=None,
        referrals=referrals,
        events=[opened, *created],
    )


def _join(
    *,
    event: ReportReceived,
    event_id: str,
    report: Row,
    case: CaseState,
    rules: RoutingRules,
    policy: SlaPolicy,
    now: datetime,
    new_id: Callable[[], str],
) -> ReportPlan:
    facts = union_facts(
        case.facts(),
        categories=(c.value for c in event.categories),
        immediate_danger=event.immediate_danger,
        injured=event.injured,
        child_age_years=event.child_age_years,
    )
    row = {
        "case_id": case.case_id,
        "child_id": case.child_id,
        "district": case.district,
        "area": case.area,
        "categories": sorted(facts.categories),
        "immediate_danger": facts.immediate_danger,
        "injured": facts.injured,
        "child_age_years": facts.child_age_years,
        "priority": case.priority.value,
        "priority_reasons": list(case.priority_reasons),
        "updated_at": now,
    }
    events: list[Event] = []
    change = None
    raised = raise_priority(case.priority, facts, rules)
    if raised is not None and raised.priority.is_more_urgent_than(case.priority):
        row |= {"priority": raised.priority.value, "priority_reasons": list(raised.reasons)}
        change = _change(
            case.case_id, case.priority, raised.priority, raised.reasons, "new_report", event_id, now
        )
        change["rule_version"] = rules.version
        events.append(
            CasePriorityRaised(
                case_id=case.case_id,
                previous_priority=case.priority,
                priority=raised.priority,
                reason=f"new_report: {', '.join(raised.reasons)}",
                raised_at=now,
            )
        )
    fresh = new_referrals(triage(facts, rules).referrals, case.referral_keys)
    referrals, created = _referrals(
        row, fresh, reason="new_report", rules=rules, policy=policy, now=now, new_id=new_id
    )
    return ReportPlan(
        new_case=False,
        report=report,
        case=row,
        priority_change=change,
        raise_open_referrals_to=Priority(change["priority"]) if change else None,
        referrals=referrals,
        events=[*events, *created],
    )


def _change(
    case_id: str,
    previous: Priority | None,
    priority: Priority,
    reasons: list[str],
    cause: str,
    event_id: str,
    now: datetime,
) -> Row:
    """A row of the case's priority history."""
    return {
        "case_id": case_id,
        "previous_priority": previous.value if previous else None,
        "priority": priority.value,
        "cause": cause,
        "reasons": list(reasons),
        "event_id": event_id,
        "changed_at": now,
    }


def _referrals(
    case: Row,
    planned: list[PlannedReferral],
    *,
    reason: str,
    rules: RoutingRules,
    policy: SlaPolicy,
    now: datetime,
    new_id: Callable[[], str],
) -> tuple[list[Row], list[ReferralsAssigned]]:
    """The referral rows, at the case's (possibly raised) priority, and one `referrals.assigned` per
    agency announcing them."""
    rows: list[Row] = []
    for referral in planned:
        agency = referral.agency.value
        rows.append(
            {
                "referral_id": new_id(),
                "origin_key": plan_origin(case["case_id"], agency, referral.task, referral.role),
                "case_id": case["case_id"],
                "agency": agency,
                "task": referral.task,
                "role": referral.role,
                "priority": case["priority"],
                "emergency": referral.emergency,
                "rule_version": rules.version,
                "reason": reason,
                "replaces_referral_id": None,
                "status": ReferralStatus.PENDING.value,
                "created_at": now,
            }
        )
    events = assignments(case, rows, reason=reason, rule_version=rules.version, policy=policy, now=now)
    return rows, events
