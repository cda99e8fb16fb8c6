"""The committed sla.v1 policy, event routing to clocks, and load errors for broken policy files."""

import copy
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sla.calendar import CalendarKind, Target
from sla.policy import (
    DEFAULT_POLICY_PATH,
    EVENT_TYPE,
    PolicyError,
    SlaPolicy,
    TargetNotDefined,
    UnknownClockError,
)

DOMAIN_CLOCKS = {
    "police.first_dispatch",
    "police.arrival",
    "referral.acceptance",
    "health.admission",
    "civil_affairs.placement",
    "assessment",
    "guardianship.decision",
    "education.follow_up",
    "reporter.feedback",
    "child_director.visit",
}


def wall(**kwargs: int) -> Target:
    return Target(CalendarKind.WALL, timedelta(**kwargs))


def working(days: int) -> Target:
    return Target(CalendarKind.WORKING_DAYS, days)


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    return data


def names(specs: tuple[Any, ...]) -> set[str]:
    return {spec.name for spec in specs}


def test_default_policy_is_v1_in_shanghai_and_cached() -> None:
    policy = SlaPolicy.load()
    assert policy.version == "sla.v1"
    assert policy.timezone == "Asia/Shanghai"
    assert SlaPolicy.load() is policy
    assert DOMAIN_CLOCKS <= set(policy.clocks)
    assert set(policy.clocks) - DOMAIN_CLOCKS == {"education.return_plan"}


def test_every_clock_is_complete() -> None:
    for spec in SlaPolicy.load().clocks.values():
        assert spec.grounds.strip(), spec.name
        assert spec.warnings == (0.5, 0.75)
        assert [(s.kind, s.at_target_multiple, s.notify) for s in spec.escalation] == [
            ("escalation_supervisor", 1, "{agency}.supervisor"),
            ("escalation_joint_meeting_office", 2, "joint_meeting_office"),
        ]
        for trigger in spec.starts + spec.stops:
            assert re.match(EVENT_TYPE, trigger.event), trigger.event
        assert spec.policy_version == "sla.v1" and spec.timezone == "Asia/Shanghai"


def test_targets_from_the_domain_table() -> None:
    policy = SlaPolicy.load()
    dispatch = policy.clock("police.first_dispatch")
    assert [dispatch.target(p) for p in ("P1", "P2", "P3")] == [
        wall(minutes=3),
        wall(minutes=15),
        wall(hours=1),
    ]
    arrival = policy.clock("police.arrival")
    assert [arrival.target(area=a) for a in ("urban", "suburban", "rural")] == [
        wall(minutes=5),
        wall(minutes=10),
        wall(minutes=30),
    ]
    acceptance = policy.clock("referral.acceptance")
    assert [acceptance.target(p) for p in ("P1", "P2", "P3")] == [wall(hours=1), wall(hours=4), working(1)]
    assessment = policy.clock("assessment")
    assert [assessment.target(p) for p in ("P1", "P2", "P3")] == [working(3), working(10), working(45)]
    assert policy.clock("health.admission").target() == wall(hours=1)
    assert policy.clock("civil_affairs.placement").target() == wall(hours=24)
    assert policy.clock("guardianship.decision").target() == working(10)
    assert policy.clock("education.follow_up").target() == working(3)
    assert policy.clock("education.return_plan").target() == working(10)
    assert policy.clock("reporter.feedback").target() == working(5)
    assert policy.clock("child_director.visit").target() == wall(days=30)


def test_target_lookup_needs_a_known_key() -> None:
    policy = SlaPolicy.load()
    with pytest.raises(TargetNotDefined, match="priority=None"):
        policy.clock("assessment").target()
    with pytest.raises(TargetNotDefined, match="'P4'"):
        policy.clock("assessment").target("P4")
    with pytest.raises(TargetNotDefined, match="area=None"):
        policy.clock("police.arrival").target("P1")
    assert policy.clock("health.admission").target("P1", "rural") == wall(hours=1)  # ignores both


def test_unknown_clock() -> None:
    with pytest.raises(UnknownClockError, match=r"no clock 'police\.teleport'"):
        SlaPolicy.load().clock("police.teleport")


@pytest.mark.parametrize(
    ("event", "payload", "started"),
    [
        ("referral.created.v1", None, {"referral.acceptance"}),
        (
            "referral.created.v1",
            {"agency": "police", "emergency": True},
            {"referral.acceptance", "police.first_dispatch"},
        ),
        ("referral.created.v1", {"agency": "police", "emergency": False}, {"referral.acceptance"}),
        (
            "referral.created.v1",
            {"agency": "health", "task": "medical_protection"},
            {"referral.acceptance", "health.admission"},
        ),
        ("referral.created.v1", {"agency": "health", "task": "psychological_care"}, {"referral.acceptance"}),
        ("referral.created.v1", {"agency": "education"}, {"referral.acceptance"}),
        ("police.dispatched.v1", {}, {"police.arrival"}),
        ("police.resolved.v1", {"outcome": "escorted_to_temporary_care"}, {"civil_affairs.placement"}),
        ("police.resolved.v1", {"outcome": "no_further_action"}, set()),
        (
            "referral.accepted.v1",
            {"agency": "civil_affairs", "task": "assessment_and_assistance"},
            {"assessment"},
        ),
        ("referral.accepted.v1", {"agency": "civil_affairs", "task": "rescue_and_protection"}, set()),
        (
            "referral.accepted.v1",
            {"agency": "education", "task": "education_support"},
            {"education.follow_up", "education.return_plan"},
        ),
        (
            "referral.accepted.v1",
            {"agency": "education", "task": "psychological_care"},
            {"education.follow_up"},
        ),
        ("civil_affairs.assessment_completed.v1", {"guardianship_failure": True}, {"guardianship.decision"}),
        ("civil_affairs.assessment_completed.v1", {"guardianship_failure": False}, set()),
        ("report.received.v1", {}, {"reporter.feedback"}),
        ("civil_affairs.monitoring_started.v1", {}, {"child_director.visit"}),
        ("civil_affairs.visit_logged.v1", {}, {"child_director.visit"}),
        ("police.arrived.v1", {}, set()),
    ],
)
def test_clocks_started_by(event: str, payload: dict[str, Any] | None, started: set[str]) -> None:
    assert names(SlaPolicy.load().clocks_started_by(event, payload)) == started


@pytest.mark.parametrize(
    ("event", "stopped"),
    [
        ("police.dispatched.v1", {"police.first_dispatch"}),
        ("police.arrived.v1", {"police.arrival"}),
        ("referral.accepted.v1", {"referral.acceptance"}),
        ("health.admitted.v1", {"health.admission"}),
        ("civil_affairs.placement_recorded.v1", {"civil_affairs.placement"}),
        ("civil_affairs.assessment_completed.v1", {"assessment"}),
        ("civil_affairs.intervention_decided.v1", {"guardianship.decision"}),
        ("education.school_contacted.v1", {"education.follow_up"}),
        ("education.return_plan_made.v1", {"education.return_plan"}),
        ("civil_affairs.reporter_informed.v1", {"reporter.feedback"}),
        ("civil_affairs.visit_logged.v1", {"child_director.visit"}),
        ("report.received.v1", set()),
    ],
)
def test_clocks_stopped_by(event: str, stopped: set[str]) -> None:
    assert names(SlaPolicy.load().clocks_stopped_by(event)) == stopped


def test_trigger_lists_match_any_value(raw: dict[str, Any]) -> None:
    raw["clocks"]["health.admission"]["starts"][0]["when"] = {"agency": ["health", "hospital"]}
    policy = SlaPolicy.from_dict(raw)
    assert names(policy.clocks_started_by("referral.created.v1", {"agency": "hospital"})) >= {
        "health.admission"
    }


def test_agency_resolution() -> None:
    policy = SlaPolicy.load()
    acceptance = policy.clock("referral.acceptance")
    assert acceptance.resolve_agency("education") == "education"
    with pytest.raises(ValueError, match="referral's agency"):
        acceptance.resolve_agency(None)
    dispatch = policy.clock("police.first_dispatch")
    assert dispatch.resolve_agency(None) == dispatch.resolve_agency("police") == "police"
    with pytest.raises(ValueError, match="belongs to police"):
        dispatch.resolve_agency("health")


def test_checkpoint_plan_resolves_the_supervisor() -> None:
    plan = SlaPolicy.load().clock("referral.acceptance").checkpoint_plan("health")
    assert [(p.kind, p.fraction, p.notify) for p in plan] == [
        ("warning_50", 0.5, "health"),
        ("warning_75", 0.75, "health"),
        ("breach", 1.0, "health"),
        ("escalation_supervisor", 1.0, "health.supervisor"),
        ("escalation_joint_meeting_office", 2.0, "joint_meeting_office"),
    ]


def test_a_city_ships_its_own_version_without_code(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["version"] = "sla.v2"
    raw["clocks"]["police.arrival"]["targets"]["rural"] = "PT20M"
    raw["clocks"]["reporter.feedback"]["targets"]["default"] = 3
    path = tmp_path / "sla.v2.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    policy = SlaPolicy.load(path)
    assert policy.version == "sla.v2"
    assert policy.clock("police.arrival").target(area="rural") == wall(minutes=20)
    assert policy.clock("reporter.feedback").target() == working(3)
    assert policy.clock("reporter.feedback").policy_version == "sla.v2"


# -- load errors ------------------------------------------------------------------------------------


def broken(raw: dict[str, Any], change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    change(data)
    return data


def clock(data: dict[str, Any], name: str) -> dict[str, Any]:
    result: dict[str, Any] = data["clocks"][name]
    return result


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: clock(d, "assessment")["targets"].pop("P2"), r"missing \['P2'\]"),
        (lambda d: clock(d, "police.arrival")["targets"].pop("rural"), r"missing \['rural'\]"),
        (lambda d: clock(d, "assessment")["targets"].update(P4=60), r"unexpected \['P4'\]"),
        (lambda d: clock(d, "assessment").update(calendar="lunar"), "unknown calendar 'lunar'"),
        (lambda d: clock(d, "assessment").pop("calendar"), "missing or unknown calendar None"),
        (
            lambda d: clock(d, "referral.acceptance")["targets"].update(P3={"calendar": "moon", "amount": 1}),
            "target P3: missing or unknown calendar 'moon'",
        ),
        (
            lambda d: clock(d, "referral.acceptance")["targets"].update(P3={"calendar": "wall", "amount": 1}),
            "wall target needs an ISO-8601 duration",
        ),
        (
            lambda d: clock(d, "referral.acceptance")["targets"].update(P3={"amount": "PT1H", "unit": "x"}),
            "missing or unknown calendar None",
        ),
        (lambda d: clock(d, "child_director.visit")["targets"].update(default="P1M"), "ISO-8601 duration"),
        (lambda d: clock(d, "assessment")["targets"].update(P2="10"), "whole number, got '10'"),
        (lambda d: clock(d, "assessment")["targets"].update(P2=1.5), "whole number, got 1.5"),
        (lambda d: clock(d, "assessment")["targets"].update(P2=0), "must be positive"),
        (lambda d: clock(d, "assessment").update(warnings=[0.75, 0.5]), "ascending fractions"),
        (lambda d: clock(d, "assessment").update(warnings=[0.5, 1.2]), "ascending fractions"),
        (lambda d: clock(d, "assessment").update(warnings=[0.333]), "whole percentages"),
        (lambda d: clock(d, "assessment")["escalation"][1].update(kind="escalation_supervisor"), "unique"),
        (lambda d: clock(d, "assessment")["escalation"][0].update(at_target_multiple=0.5), "greater than"),
        (lambda d: clock(d, "assessment")["escalation"][0].update(notify="{boss}.x"), "notify"),
        (lambda d: clock(d, "assessment").pop("grounds"), r"clocks\.assessment\.grounds: Field required"),
        (lambda d: clock(d, "assessment").update(grounds=""), "at least 1 character"),
        (lambda d: clock(d, "assessment").update(deadline="soon"), "Extra inputs are not permitted"),
        (lambda d: clock(d, "assessment").update(name="x"), "set by the policy"),
        (lambda d: clock(d, "assessment")["starts"][0].update(event="AssessmentDue"), "pattern"),
        (lambda d: clock(d, "assessment").update(stops=[]), "at least 1 item"),
        (lambda d: clock(d, "assessment").update(target_by="age"), "target_by"),
        (lambda d: d.update(timezone="Mars/Olympus"), "unknown timezone 'Mars/Olympus'"),
        (lambda d: d.pop("version"), r"version: Field required"),
        (lambda d: d.update(clocks={}), "at least 1 item"),
    ],
)
def test_broken_policies_fail_with_a_clear_error(raw: dict[str, Any], change: Any, message: str) -> None:
    with pytest.raises(PolicyError, match="invalid SLA policy <dict>") as caught:
        SlaPolicy.from_dict(broken(raw, change))
    assert re.search(message, str(caught.value)), str(caught.value)


def test_load_errors_name_the_file(raw: dict[str, Any], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(PolicyError, match=r"cannot read SLA policy .*nope\.json"):
        SlaPolicy.load(missing)

    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json", encoding="utf-8")
    with pytest.raises(PolicyError, match="cannot read SLA policy"):
        SlaPolicy.load(garbled)

    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(PolicyError, match="top level must be an object"):
        SlaPolicy.load(listed)

    no_p2 = tmp_path / "sla.v9.json"
    del raw["clocks"]["assessment"]["targets"]["P2"]
    no_p2.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"sla\.v9\.json(.|\n)*clocks\.assessment.*missing \['P2'\]"):
        SlaPolicy.load(no_p2)


def test_a_clock_defined_twice_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    twice = text.replace('"clocks": {', '"clocks": {\n"assessment": {},', 1)
    path = tmp_path / "twice.json"
    path.write_text(twice, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"duplicate keys \['assessment'\]"):
        SlaPolicy.load(path)
