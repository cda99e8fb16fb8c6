"""The deadlines a set of observed events implies, written as sets.

Whichever service emitted them, the policy says what each event starts, stops or cancels (derived here
from its type and data, never read from the envelope). Starts are the bulk (a P1 report's referrals
start a dozen clocks): they are gathered and written in one statement, after one lookup of the subjects
withdrawn meanwhile. Anything that changes a clock already open (a stop, a cancel, a hold, a case
closed, a priority raise) is applied in order, after the starts gathered before it, so a set means
exactly what the same events one by one would.
"""

from __future__ import annotations

from collections.abc import Sequence

from backbone.clock import utcnow
from backbone.uow import UnitOfWork
from contracts.envelope import CloudEvent
from services.routing.deadlines.service import apply_clock_changes, stop_clock
from services.routing.deadlines.store import insert_clocks, new_clock_row, withdrawn_subjects
from sla.policy import SlaPolicy
from sla.stamping import ClockStamp, active_policy, changes_open_clocks, envelope_stamps

Start = tuple[ClockStamp, CloudEvent]


async def observe_envelopes(envelopes: Sequence[CloudEvent], uow: UnitOfWork) -> None:
    """Envelope observer: apply the deadlines the events start, stop or cancel, in their order."""
    policy = active_policy(uow.sla_policy_path)
    starts: list[Start] = []
    for envelope in envelopes:
        stamps = envelope_stamps(envelope, policy=policy, catalogue=uow.catalogue)
        stops = [stamp for stamp in stamps if stamp.action == "stop"]
        if stops:
            starts = await _start(uow, starts, policy)
            for stamp in stops:
                await stop_clock(uow=uow, stamp=stamp)
        starts.extend((stamp, envelope) for stamp in stamps if stamp.action == "start")
        if changes_open_clocks(envelope.type, envelope.data, policy=policy):
            starts = await _start(uow, starts, policy)
            await apply_clock_changes(uow=uow, envelope=envelope, policy=policy)
    await _start(uow, starts, policy)


async def _start(uow: UnitOfWork, starts: list[Start], policy: SlaPolicy) -> list[Start]:
    """Start the gathered clocks but those of withdrawn referrals; nothing is left gathered."""
    if starts:
        withdrawn = await withdrawn_subjects(
            session=uow.session, subject_ids={stamp.subject_id for stamp, _ in starts}
        )
        now = utcnow()
        rows = [
            new_clock_row(
                stamp=stamp, case_id=envelope.subject, payload=envelope.data, policy=policy, now=now
            )
            for stamp, envelope in starts
            if stamp.subject_id not in withdrawn
        ]
        await insert_clocks(session=uow.session, rows=rows)
    return []
