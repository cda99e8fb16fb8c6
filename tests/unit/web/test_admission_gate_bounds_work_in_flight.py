"""The admission gate lets `max_in_flight` requests work at once; one more waits for a slot within its
budget (first come, first served) or is refused; a slot given back admits the next waiting."""

from __future__ import annotations

import asyncio

from backbone.web.admission import AdmissionGate


async def test_beyond_the_bound_without_a_wait_budget_is_refused_at_once() -> None:
    gate = AdmissionGate(max_in_flight=2, wait_seconds=0)
    assert [await gate.enter(), await gate.enter(), await gate.enter()] == [True, True, False]
    assert gate.in_flight == 2
    gate.leave()
    assert await gate.enter() is True


async def test_a_waiting_request_gets_the_slot_given_back_within_its_budget() -> None:
    gate = AdmissionGate(max_in_flight=1, wait_seconds=30)
    assert await gate.enter()
    waiting = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    assert not waiting.done()
    gate.leave()
    assert await waiting is True and gate.in_flight == 1


async def test_a_request_whose_budget_runs_out_is_refused() -> None:
    gate = AdmissionGate(max_in_flight=1, wait_seconds=0.01)
    assert await gate.enter()
    assert await gate.enter() is False
    assert gate.in_flight == 1
