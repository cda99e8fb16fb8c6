"""The rules' finding_tasks: which findings refer a child on, and that a rules file naming an unknown
task or a non-health finding is refused."""

import json

import pytest

from services.routing.triage import Agency, Priority, RoutingRules
from services.routing.triage.findings import finding_referrals
from services.routing.triage.rules import DEFAULT_RULES_PATH

RULES = RoutingRules.load()
ASSESSED = "health.mental_health_assessed.v1"


@pytest.mark.parametrize(
    ("risk", "follow_up", "expected"),
    [
        (
            "high",
            True,
            [
                (Agency.HEALTH, "psychological_care", "lead"),
                (Agency.EDUCATION, "psychological_care", "responsible"),
            ],
        ),
        ("high", False, []),
        ("moderate", True, []),
        ("low", True, []),
    ],
)
def test_only_high_risk_with_follow_up_refers_on(risk: str, follow_up: bool, expected: list) -> None:
    payload = {"risk": risk, "follow_up_needed": follow_up}
    planned = finding_referrals(ASSESSED, payload, priority=Priority.P3, rules=RULES)
    assert [(r.agency, r.task, r.role) for r in planned] == expected
    assert not any(r.emergency for r in planned)


def test_other_events_refer_nobody() -> None:
    payload = {"risk": "high", "follow_up_needed": True}
    assert finding_referrals("health.findings_recorded.v1", payload, priority=Priority.P1, rules=RULES) == []


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"on": {"event": ASSESSED}, "tasks": ["yoga"], "reason": "x"}, "names undefined task 'yoga'"),
        (
            {
                "on": {"event": "education.school_contacted.v1"},
                "tasks": ["psychological_care"],
                "reason": "x",
            },
            "only health's findings refer on",
        ),
    ],
)
def test_bad_finding_rules_are_refused(rule: dict, problem: str) -> None:
    data = json.loads(DEFAULT_RULES_PATH.read_text()) | {"finding_tasks": [rule]}
    with pytest.raises(ValueError, match=problem):
        RoutingRules.model_validate(data)
