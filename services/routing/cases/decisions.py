"""Pure decisions about a case: facts for re-triage, re-routing a decline, police outcomes, raising priority.

No database here, so each rule is unit-tested on its own; `service.py` applies the decisions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from services.routing.triage import (
    Agency,
    PlannedReferral,
    Priority,
    PriorityRaise,
    RoutingRules,
    TriageFacts,
    raise_priority,
)
from services.routing.triage.rules import MEDICAL_TASK

RESCUE_TASK = "rescue_and_protection"
OVERALL_LEAD = Agency.CIVIL_AFFAIRS  # 民政: overall lead and office of the joint meeting (联席会议办公室)
# DOMAIN.md: "serious injury" is P1. Health grades severity; the police cannot, so their finding of an
# injury only adds `injured` to the facts and the rules decide (P2, or P1 for an abused child).
SERIOUS_SEVERITIES = frozenset({"serious", "critical"})
SERIOUS_INJURY_REASON = "health-serious-injury"

ReferralKey = tuple[str, str, str]  # (agency, task, role)


def new_referral_id() -> str:
    """A random id a caller cannot compute from the case id; `origin_key` (unique) stops a replay
    from minting a second referral, whatever id it draws."""
    return str(uuid.uuid4())


def plan_origin(case_id: str, agency: str, task: str, role: str) -> str:
    """Key of a referral triage planned: one per (agency, task, role) per case."""
    return f"{case_id}/plan/{agency}/{task}/{role}"


def union_facts(
    current: TriageFacts,
    *,
    categories: Iterable[str] = (),
    immediate_danger: bool = False,
    injured: bool = False,
    child_age_years: int | None = None,
) -> TriageFacts:
    """The case's facts with new ones added: categories and flags accumulate, a newer age replaces."""
    return replace(
        current,
        categories=current.categories | frozenset(categories),
        immediate_danger=current.immediate_danger or immediate_danger,
        injured=current.injured or injured,
        child_age_years=current.child_age_years if child_age_years is None else child_age_years,
    )


def new_referrals(
    planned: Iterable[PlannedReferral], existing: Iterable[ReferralKey]
) -> list[PlannedReferral]:
    """The planned referrals whose (agency, task, role) the case does not have yet, whatever its status."""
    present = set(existing)
    fresh: list[PlannedReferral] = []
    for referral in planned:
        key = (referral.agency.value, referral.task, referral.role)
        if key not in present:
            present.add(key)
            fresh.append(referral)
    return fresh


@dataclass(frozen=True)
class DeclinedReferral:
    agency: str
    task: str
    role: str
    reason: str  # why routing made the referral: triage, rerouted, police_outcome, ...


@dataclass(frozen=True)
class Reroute:
    agency: Agency
    task: str
    role: str = "lead"


@dataclass(frozen=True)
class Escalate:
    reason: str


@dataclass(frozen=True)
class Accept:
    """The decline needs no new referral: the task's lead agency still holds it."""


DeclineAction = Reroute | Escalate | Accept


def after_decline(referral: DeclinedReferral) -> DeclineAction:
    """What a decline leads to: civil affairs takes over a lead task; above it, only the joint meeting."""
    if referral.reason == "rerouted":
        return Escalate("a re-routed referral was declined again")
    if referral.agency == OVERALL_LEAD:
        return Escalate("civil_affairs, the overall lead, declined")
    if referral.role == "lead":
        return Reroute(OVERALL_LEAD, referral.task)
    return Accept()


@dataclass(frozen=True)
class OutcomeReferral:
    agency: Agency
    task: str


def police_outcome_referrals(outcome: str, *, injury_found: bool) -> list[OutcomeReferral]:
    """Lead referrals a police outcome hands on: temporary care to civil affairs, hospital to health.

    An injured child always gets a health referral (首诊负责制), as triage guarantees for reports.
    """
    planned: list[OutcomeReferral] = []
    if outcome == "escorted_to_temporary_care":
        planned.append(OutcomeReferral(Agency.CIVIL_AFFAIRS, RESCUE_TASK))
    if outcome == "taken_to_hospital" or injury_found:
        planned.append(OutcomeReferral(Agency.HEALTH, MEDICAL_TASK))
    return planned


def emergency_for(task: str, priority: Priority, rules: RoutingRules) -> bool:
    """Whether a referral for the task is an emergency at this priority, as the rules say."""
    definition = rules.tasks.get(task)
    return definition is not None and priority in definition.emergency_at


def raise_for_findings(
    current: Priority, facts: TriageFacts, rules: RoutingRules, *, serious_injury: bool = False
) -> PriorityRaise | None:
    """The raise new findings justify: the rules on the case's facts, and P1 for a serious injury."""
    by_rules = raise_priority(current, facts, rules)
    if not serious_injury or current is Priority.P1:
        return by_rules
    if by_rules is not None and by_rules.priority is Priority.P1:
        return PriorityRaise(Priority.P1, [*by_rules.reasons, SERIOUS_INJURY_REASON])
    return PriorityRaise(Priority.P1, [SERIOUS_INJURY_REASON])


def is_serious_injury(*, injury_evidence: bool, severity: str) -> bool:
    """A health finding that makes the case P1."""
    return injury_evidence and severity in SERIOUS_SEVERITIES
