"""An emergency response goes dispatch -> arrive -> resolve, each once."""

from datetime import UTC, datetime

import pytest

from services.agency.errors import StepRefused
from services.police.response.rules import Stage, Step, check_completion, check_step, stage_of

T = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_stage_follows_the_recorded_times() -> None:
    assert stage_of(dispatched_at=None, arrived_at=None, resolved_at=None) is Stage.NOT_DISPATCHED
    assert stage_of(dispatched_at=T, arrived_at=None, resolved_at=None) is Stage.DISPATCHED
    assert stage_of(dispatched_at=T, arrived_at=T, resolved_at=None) is Stage.ARRIVED
    assert stage_of(dispatched_at=T, arrived_at=T, resolved_at=T) is Stage.RESOLVED


@pytest.mark.parametrize(
    ("stage", "step"),
    [(Stage.NOT_DISPATCHED, Step.DISPATCH), (Stage.DISPATCHED, Step.ARRIVE), (Stage.ARRIVED, Step.RESOLVE)],
)
def test_each_step_comes_after_the_one_before(stage: Stage, step: Step) -> None:
    check_step(stage, step)


@pytest.mark.parametrize(
    ("stage", "step", "message"),
    [
        (Stage.NOT_DISPATCHED, Step.ARRIVE, "dispatch a unit first"),
        (Stage.NOT_DISPATCHED, Step.RESOLVE, "dispatch a unit first"),
        (Stage.DISPATCHED, Step.RESOLVE, "record the unit's arrival first"),
        (Stage.DISPATCHED, Step.DISPATCH, "already dispatched"),
        (Stage.ARRIVED, Step.DISPATCH, "already dispatched"),
        (Stage.ARRIVED, Step.ARRIVE, "arrival is already recorded"),
        (Stage.RESOLVED, Step.DISPATCH, "already resolved"),
        (Stage.RESOLVED, Step.ARRIVE, "already resolved"),
        (Stage.RESOLVED, Step.RESOLVE, "already resolved"),
    ],
)
def test_out_of_order_steps_are_refused(stage: Stage, step: Step, message: str) -> None:
    with pytest.raises(StepRefused, match=message):
        check_step(stage, step)


def test_completion_waits_while_a_unit_is_out() -> None:
    check_completion(Stage.NOT_DISPATCHED)
    check_completion(Stage.RESOLVED)
    for out in (Stage.DISPATCHED, Stage.ARRIVED):
        with pytest.raises(StepRefused, match="resolve it first"):
            check_completion(out)
