"""A report's referrals as assignments: one `referrals.assigned` per agency, with the deadlines they start.

Pure: the referral rows a decision made (`decide.py`), the case's row, the SLA policy and the time in;
the events out, one per agency in the order the agencies first appear among the referrals, each
carrying its referrals in plan order and the deadlines `sla.v1.json` starts for them (what routing's
own clocks and the agency's deadline view derive from the same event).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.events.routing import AssignedDeadline, AssignedReferral, ReferralsAssigned
from sla.policy import SlaPolicy
from sla.stamping import clock_stamps

Row = dict[str, Any]


def assignments(
    case: Row, referrals: list[Row], *, reason: str, rule_version: str, policy: SlaPolicy, now: datetime
) -> list[ReferralsAssigned]:
    """One assignment per agency for the referrals, at the case's (possibly raised) priority."""
    by_agency: dict[str, list[Row]] = {}
    for row in referrals:
        by_agency.setdefault(row["agency"], []).append(row)
    return [
        _assignment(case, agency, rows, reason=reason, rule_version=rule_version, policy=policy, now=now)
        for agency, rows in by_agency.items()
    ]


def _assignment(
    case: Row,
    agency: str,
    rows: list[Row],
    *,
    reason: str,
    rule_version: str,
    policy: SlaPolicy,
    now: datetime,
) -> ReferralsAssigned:
    fields: dict[str, Any] = {
        "case_id": case["case_id"],
        "child_id": case["child_id"],
        "agency": agency,
        "priority": case["priority"],
        "categories": case["categories"],
        "district": case["district"],
        "area": case["area"],
        "rule_version": rule_version,
        "reason": reason,
        "referrals": [
            AssignedReferral(
                referral_id=row["referral_id"],
                task=row["task"],
                role=row["role"],
                emergency=row["emergency"],
                replaces_referral_id=row["replaces_referral_id"],
            )
            for row in rows
        ],
        "assigned_at": now,
    }
    payload = ReferralsAssigned(**fields).model_dump(mode="json")
    deadlines = [
        AssignedDeadline(
            clock=stamp.clock,
            subject_id=stamp.subject_id,
            started_at=stamp.started_at,
            due_at=stamp.due_at,
            policy_version=stamp.policy_version,
        )
        for stamp in clock_stamps(ReferralsAssigned.TYPE, payload, policy=policy, at=now)
        if stamp.action == "start" and stamp.started_at is not None and stamp.due_at is not None
    ]
    return ReferralsAssigned(**fields, deadlines=deadlines)
