"""The rules in force and a case's accumulated facts, as triage sees them."""

from __future__ import annotations

from functools import lru_cache

from backbone.clock import utcnow
from services.routing.cases.models import RoutingCase
from services.routing.triage import Priority, RoutingRules, TriageFacts


@lru_cache
def current_rules() -> RoutingRules:
    """The routing rules in force (contracts/policies/routing.v1.json), read once per process."""
    return RoutingRules.load()


def case_facts(case: RoutingCase) -> TriageFacts:
    """What triage knows about the case: the union of its reports and agency findings."""
    return TriageFacts(
        categories=frozenset(case.categories),
        immediate_danger=case.immediate_danger,
        injured=case.injured,
        child_age_years=case.child_age_years,
        area=case.area,
        source=case.source,
    )


def set_facts(case: RoutingCase, facts: TriageFacts) -> None:
    """Store the case's accumulated facts."""
    case.categories = sorted(facts.categories)
    case.immediate_danger = facts.immediate_danger
    case.injured = facts.injured
    case.child_age_years = facts.child_age_years
    case.updated_at = utcnow()


def case_priority(case: RoutingCase) -> Priority:
    """The case's current priority."""
    return Priority(case.priority)
