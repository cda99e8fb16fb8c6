"""Routing triage: priority and referrals for a report, interpreted from versioned rules."""

from services.routing.triage.rules import (
    Agency,
    PlannedReferral,
    Priority,
    PriorityRaise,
    RoutingRules,
    RoutingRulesError,
    TriageDecision,
    TriageFacts,
    raise_priority,
    triage,
)

__all__ = [
    "Agency",
    "PlannedReferral",
    "Priority",
    "PriorityRaise",
    "RoutingRules",
    "RoutingRulesError",
    "TriageDecision",
    "TriageFacts",
    "raise_priority",
    "triage",
]
