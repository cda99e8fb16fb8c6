"""Writing clocks as sets: the rows of started clocks, and the referrals that start none."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from backbone.db import insert_rows_ignoring_conflict
from services.routing.cases.models import ReferralStatus, RoutingReferral
from services.routing.deadlines.models import SlaClockRow, held_columns
from sla.clock import Clock
from sla.policy import SlaPolicy
from sla.stamping import ClockStamp

# The partial unique index allows one open clock per deadline and subject: a repeated start is a no-op.
OPEN_CLOCK_CONFLICT = "(clock, subject_id) WHERE state IN ('running', 'paused', 'breached')"


def new_clock_row(
    *, stamp: ClockStamp, case_id: str, payload: Mapping[str, Any], policy: SlaPolicy, now: datetime
) -> dict[str, Any]:
    """The row of a clock the stamp starts (`fired` left to its default: nothing fired yet)."""
    clock = Clock.start(
        policy.clock(stamp.clock),
        case_id=case_id,
        subject=stamp.subject_id,
        at=stamp.started_at or now,
        priority=payload.get("priority"),
        area=payload.get("area"),
        agency=stamp.agency,
    )
    return {
        "id": str(uuid.uuid4()),
        "clock": clock.name,
        "agency": clock.agency,
        "case_id": case_id,
        "subject_id": stamp.subject_id,
        "policy_version": clock.policy_version,
        "started_at": clock.started_at,
        "warned": False,
        "escalated_at": None,
        **held_columns(clock, fired=(), now=now),
    }


async def insert_clocks(*, session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert started clocks in one statement; one already open for a deadline and subject stays."""
    await insert_rows_ignoring_conflict(session, SlaClockRow.__table__, rows, conflict=OPEN_CLOCK_CONFLICT)


async def withdrawn_subjects(*, session: AsyncSession, subject_ids: Iterable[str]) -> set[str]:
    """Which of these subjects are referrals routing withdrew: an agency step that crossed the
    withdrawal (an acceptance sent before the agency learnt of it) starts no deadline for them."""
    statement = select(RoutingReferral.referral_id).where(
        col(RoutingReferral.referral_id).in_(list(subject_ids)),
        RoutingReferral.status == ReferralStatus.WITHDRAWN,
    )
    return set((await session.execute(statement)).scalars())
