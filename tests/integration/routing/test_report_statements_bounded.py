"""A P1 report opens its case in a handful of SQL statements, whatever the number of its referrals, and
a report joining a case takes as few.

Counted on routing's engine (`before_cursor_execute`) around the report handler: the case's lock and
state, then one statement per table (report, case, priority change, referrals, event log). The commit
is bounded too: the deadline observer looks up the withdrawn referrals once and starts every clock in
one statement, and the outbox takes all the events in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event

from backbone.service import ServiceRuntime
from contracts.events.intake import ReportReceived
from services.routing.cases.handlers import handle_report_received
from tests.integration.routing.routing_support import Routing, envelope_of, new_id, report

OPEN_BUDGET = 7  # lock, state, report, case, priority change, referrals, event log
JOIN_BUDGET = 8  # the same, the case updated, and open referrals raised with the case
COMMIT_BUDGET = 3  # withdrawn referrals, clock starts, outbox
JOIN_COMMIT_BUDGET = 5  # the same, and the case's open clocks regraded to the raised priority (read, update)
counting: ContextVar[list[str] | None] = ContextVar("counting", default=None)


def _count(conn, cursor, statement, parameters, context, executemany) -> None:
    seen = counting.get()
    if seen is not None:
        seen.append(statement)


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []
    token = counting.set(statements)
    try:
        yield statements
    finally:
        counting.reset(token)


async def _apply(runtime: ServiceRuntime, event_: ReportReceived) -> tuple[list[str], list[str]]:
    """The statements of the handler, then those of the commit."""
    envelope = envelope_of(event_, publisher="intake")
    async with runtime.unit_of_work() as uow:
        with counted() as handled:
            await handle_report_received(event_, envelope, uow)
        with counted() as committed:
            await uow.commit()
    return handled, committed


async def test_p1_report_and_joining_report_take_a_bounded_number_of_statements(routing: Routing) -> None:
    runtime = routing.system.runtime("routing")
    p1_case, raised_case = new_id("case"), new_id("case")
    event.listen(runtime.engine.sync_engine, "before_cursor_execute", _count)
    try:
        opened, opened_commit = await _apply(
            runtime, report(p1_case, categories=["abuse"], immediate_danger=True, injured=True)
        )
        first = report(raised_case, categories=["abuse"])  # P2
        await _apply(runtime, first)
        joined, joined_commit = await _apply(
            runtime,
            report(
                raised_case,
                categories=["dropout"],
                immediate_danger=True,
                new_case=False,
                corroborates_report_id=first.report_id,
            ),
        )
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", _count)

    case = await routing.case(p1_case)
    assert case is not None and case["priority"] == "P1"
    assert len(case["referrals"]) > len(opened)  # not one statement per referral
    raised = await routing.case(raised_case)
    assert raised is not None and raised["priority_history"][-1]["cause"] == "new_report"
    print(f"\nopen: {len(opened)} + commit {len(opened_commit)}", end="; ")
    print(f"join: {len(joined)} + commit {len(joined_commit)}")
    for statement in [*opened, "-- join", *joined]:
        print("  ", " ".join(statement.split())[:140])
    assert len(opened) <= OPEN_BUDGET
    assert len(joined) <= JOIN_BUDGET
    assert len(opened_commit) <= COMMIT_BUDGET
    assert len(joined_commit) <= JOIN_COMMIT_BUDGET
