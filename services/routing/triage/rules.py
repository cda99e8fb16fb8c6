"""Routing triage: a report's priority and the referrals (转介) it needs, read from versioned rules.

The rules are data (`contracts/policies/routing.v1.json`); this module only interprets them. Two
invariants are fixed here because the law fixes them, whatever a rules file says: every P1 case gets
exactly one police emergency referral (第一时间出警), and every injured child gets a health referral
(首诊负责制).
"""

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from services.routing.triage.findings import FindingRule

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[3] / "contracts" / "policies" / "routing.v1.json"
EMERGENCY_TASK = "emergency_response"
MEDICAL_TASK = "medical_protection"
DOMAIN_CATEGORIES = frozenset({
    "poverty", "disability", "guardianship_failure", "abuse", "abandonment", "injury", "unlawful_harm",
    "street_child", "left_behind", "de_facto_unattended", "missing", "dropout", "mental_health",
})  # fmt: skip
AREAS = frozenset({"urban", "suburban", "rural"})

Role = Literal["lead", "responsible"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Agency(StrEnum):
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    CIVIL_AFFAIRS = "civil_affairs"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    def is_more_urgent_than(self, other: "Priority") -> bool:
        # "P1" < "P2" < "P3": the codes sort by urgency.
        return self.value < other.value


class RoutingRulesError(ValueError):
    """A routing rules file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class TriageFacts:
    """What triage looks at, taken from a report or from a case's accumulated information."""

    categories: frozenset[str]
    immediate_danger: bool
    injured: bool
    child_age_years: int | None
    area: str
    source: str

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValueError("triage needs at least one category")
        if self.child_age_years is not None and self.child_age_years < 0:
            raise ValueError("child_age_years cannot be negative")
        if self.area not in AREAS:
            raise ValueError(f"area must be one of {sorted(AREAS)}, not {self.area!r}")


@dataclass(frozen=True)
class PlannedReferral:
    agency: Agency
    task: str
    role: Role
    emergency: bool
    # Police-led tasks of a P1 case folded into the emergency referral, so one dispatch serves them all.
    merged_tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageDecision:
    priority: Priority
    priority_reasons: list[str]
    rule_version: str
    referrals: list[PlannedReferral]


@dataclass(frozen=True)
class PriorityRaise:
    priority: Priority
    reasons: list[str]


class _RulesPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeCondition(_RulesPart):
    below: int = Field(ge=1, le=18)
    # Required so that each rule decides explicitly whether an unknown age counts as young.
    when_unknown: bool

    def holds_for(self, age_years: int | None) -> bool:
        return self.when_unknown if age_years is None else age_years < self.below


class Condition(_RulesPart):
    """All conditions given must hold."""

    immediate_danger: bool | None = None
    injured: bool | None = None
    any_category: tuple[str, ...] | None = Field(default=None, min_length=1)
    child_age: AgeCondition | None = None

    @model_validator(mode="after")
    def _has_a_condition(self) -> Self:
        if not self.conditions_given():
            raise ValueError("'when' needs at least one condition; an empty one would fire for every report")
        return self

    def conditions_given(self) -> set[str]:
        return {name for name in type(self).model_fields if getattr(self, name) is not None}

    def holds_for(self, facts: TriageFacts) -> bool:
        return (
            (self.immediate_danger is None or facts.immediate_danger == self.immediate_danger)
            and (self.injured is None or facts.injured == self.injured)
            and (self.any_category is None or not facts.categories.isdisjoint(self.any_category))
            and (self.child_age is None or self.child_age.holds_for(facts.child_age_years))
        )


class PriorityRule(_RulesPart):
    id: Text
    priority: Priority
    when: Condition
    reason: Text


class TaskDefinition(_RulesPart):
    lead: Agency
    responsible: tuple[Agency, ...]
    emergency_at: tuple[Priority, ...] = ()
    reason: Text

    @model_validator(mode="after")
    def _agencies_distinct(self) -> Self:
        if self.lead in self.responsible or len(set(self.responsible)) != len(self.responsible):
            raise ValueError("an agency appears twice among the lead and the responsible agencies")
        return self


class TaskChoice(_RulesPart):
    tasks: tuple[str, ...] = Field(min_length=1)
    reason: Text


class BaselineTask(_RulesPart):
    task: str
    reason: Text


class RoutingRules(_RulesPart):
    version: str = Field(pattern=r"^routing\.v[0-9]+$")
    description: Text
    tasks: dict[str, TaskDefinition]
    baseline_tasks: tuple[BaselineTask, ...]
    category_tasks: dict[str, TaskChoice]
    finding_tasks: tuple[FindingRule, ...] = ()
    priority_rules: tuple[PriorityRule, ...] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path | None = None) -> "RoutingRules":
        source = path or DEFAULT_RULES_PATH
        try:
            return cls.model_validate_json(source.read_bytes())
        except OSError as error:
            raise RoutingRulesError(f"cannot read routing rules {source}: {error}") from error
        except ValidationError as error:
            raise RoutingRulesError(f"invalid routing rules {source}: {error}") from error

    @model_validator(mode="after")
    def _rules_are_consistent(self) -> Self:
        problems = self._task_problems() + self._category_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _task_problems(self) -> list[str]:
        problems = [
            f"task {task!r} must be defined with lead {lead.value!r}"
            for task, lead in ((EMERGENCY_TASK, Agency.POLICE), (MEDICAL_TASK, Agency.HEALTH))
            if task not in self.tasks or self.tasks[task].lead is not lead
        ]
        named = [("baseline_tasks", choice.task) for choice in self.baseline_tasks]
        named += [
            (f"category {c!r}", task) for c, choice in self.category_tasks.items() for task in choice.tasks
        ]
        for where, task in named:
            if task not in self.tasks:
                problems.append(f"{where} names undefined task {task!r}")
            elif task == EMERGENCY_TASK:
                problems.append(f"{where} names {task!r}, which only priority P1 plans")
        problems += [p for rule in self.finding_tasks for p in rule.problems(self.tasks)]
        repeated = sorted(
            i for i, count in Counter(rule.id for rule in self.priority_rules).items() if count > 1
        )
        problems += [f"priority rule id {i!r} is used twice" for i in repeated]
        return problems

    def _category_problems(self) -> list[str]:
        mapped = self.category_tasks.keys()
        problems = [f"category {c!r} has no category_tasks" for c in sorted(DOMAIN_CATEGORIES - mapped)]
        problems += [
            f"category_tasks names unknown category {c!r}" for c in sorted(mapped - DOMAIN_CATEGORIES)
        ]
        # Each category needs a rule that fires on it alone, so that every report gets a priority.
        covered: set[str] = set()
        for rule in self.priority_rules:
            named = set(rule.when.any_category or ())
            problems += [
                f"priority rule {rule.id!r} names unknown category {c!r}" for c in sorted(named - mapped)
            ]
            if rule.when.conditions_given() == {"any_category"}:
                covered |= named
        problems += [f"category {c!r} has no priority rule of its own" for c in sorted(mapped - covered)]
        return problems


def assess_priority(facts: TriageFacts, rules: RoutingRules) -> tuple[Priority, list[str]]:
    """The most urgent priority any rule gives, with the ids of the rules that give it, in file order."""
    unknown = facts.categories - rules.category_tasks.keys()
    if unknown:
        raise ValueError(f"categories {sorted(unknown)} are not known to {rules.version}")
    fired = [rule for rule in rules.priority_rules if rule.when.holds_for(facts)]
    priority = min(rule.priority for rule in fired)
    return priority, [rule.id for rule in fired if rule.priority is priority]


def triage(facts: TriageFacts, rules: RoutingRules) -> TriageDecision:
    priority, reasons = assess_priority(facts, rules)
    return TriageDecision(priority, reasons, rules.version, _plan_referrals(facts, priority, rules))


def raise_priority(current: Priority, new_facts: TriageFacts, rules: RoutingRules) -> PriorityRaise | None:
    """The priority the new facts justify if it is more urgent than `current`; priority never drops."""
    priority, reasons = assess_priority(new_facts, rules)
    return PriorityRaise(priority, reasons) if priority.is_more_urgent_than(current) else None


def _plan_referrals(facts: TriageFacts, priority: Priority, rules: RoutingRules) -> list[PlannedReferral]:
    tasks = {baseline.task for baseline in rules.baseline_tasks}
    for category in facts.categories:
        tasks.update(rules.category_tasks[category].tasks)
    if facts.injured:
        tasks.add(MEDICAL_TASK)
    if priority is Priority.P1:
        tasks.add(EMERGENCY_TASK)
    task_order = list(rules.tasks)
    ordered_tasks = sorted(tasks, key=task_order.index)
    emergency_agency = rules.tasks[EMERGENCY_TASK].lead
    merged = tuple(
        task
        for task in ordered_tasks
        if priority is Priority.P1 and task != EMERGENCY_TASK and rules.tasks[task].lead is emergency_agency
    )
    referrals: list[PlannedReferral] = []
    for task in ordered_tasks:
        definition = rules.tasks[task]
        if task not in merged:
            emergency = task == EMERGENCY_TASK or priority in definition.emergency_at
            merged_here = merged if task == EMERGENCY_TASK else ()
            referrals.append(PlannedReferral(definition.lead, task, "lead", emergency, merged_here))
        referrals += [
            PlannedReferral(agency, task, "responsible", False) for agency in definition.responsible
        ]
    agencies = list(Agency)
    return sorted(
        referrals,
        key=lambda r: (not r.emergency, r.role != "lead", task_order.index(r.task), agencies.index(r.agency)),
    )
