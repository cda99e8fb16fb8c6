"""Onward referrals an agency's finding calls for (转诊), read from the routing rules' `finding_tasks`.

A health finding such as a mental-health assessment of high risk with follow-up needed hands the child
on for the tasks the rules name; which agencies lead and take part is the tasks' own definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sla.policy import Trigger

if TYPE_CHECKING:
    from services.routing.triage.rules import PlannedReferral, Priority, RoutingRules

# The referral reason routing records for an onward referral (`referral.created` says health_finding).
FINDING_REASON = "health_finding"


class FindingRule(BaseModel):
    """When a finding event matches `on`, refer the child on for `tasks`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: Trigger
    tasks: tuple[str, ...] = Field(min_length=1)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

    def problems(self, defined_tasks: Mapping[str, Any]) -> list[str]:
        """What is wrong with the rule against the rules file's tasks."""
        where = f"finding_tasks on {self.on.event}"
        found = [f"{where} names undefined task {t!r}" for t in self.tasks if t not in defined_tasks]
        if not self.on.event.startswith("health."):
            found.append(f"{where}: only health's findings refer on (reason {FINDING_REASON})")
        return found


def finding_referrals(
    event_type: str, payload: Mapping[str, Any], *, priority: Priority, rules: RoutingRules
) -> list[PlannedReferral]:
    """The referrals the finding calls for: each task's lead, then its responsible agencies."""
    from services.routing.triage.rules import PlannedReferral

    tasks = [
        task for rule in rules.finding_tasks if rule.on.matches(event_type, payload) for task in rule.tasks
    ]
    planned: list[PlannedReferral] = []
    for task in dict.fromkeys(tasks):
        definition = rules.tasks[task]
        planned.append(PlannedReferral(definition.lead, task, "lead", priority in definition.emergency_at))
        planned += [PlannedReferral(agency, task, "responsible", False) for agency in definition.responsible]
    return planned
