"""The order of an emergency response, pure: dispatch, then arrival, then resolution."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from services.agency.errors import StepRefused


class Stage(StrEnum):
    NOT_DISPATCHED = "not_dispatched"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    RESOLVED = "resolved"


class Step(StrEnum):
    DISPATCH = "dispatch"
    ARRIVE = "arrive"
    RESOLVE = "resolve"


_ALLOWED_FROM = {
    Step.DISPATCH: Stage.NOT_DISPATCHED,
    Step.ARRIVE: Stage.DISPATCHED,
    Step.RESOLVE: Stage.ARRIVED,
}
_REFUSALS = {
    (Step.DISPATCH, Stage.DISPATCHED): "a unit is already dispatched to this referral",
    (Step.DISPATCH, Stage.ARRIVED): "a unit is already dispatched to this referral",
    (Step.DISPATCH, Stage.RESOLVED): "the incident is already resolved",
    (Step.ARRIVE, Stage.NOT_DISPATCHED): "dispatch a unit first",
    (Step.ARRIVE, Stage.ARRIVED): "the unit's arrival is already recorded",
    (Step.ARRIVE, Stage.RESOLVED): "the incident is already resolved",
    (Step.RESOLVE, Stage.NOT_DISPATCHED): "dispatch a unit first",
    (Step.RESOLVE, Stage.DISPATCHED): "record the unit's arrival first",
    (Step.RESOLVE, Stage.RESOLVED): "the incident is already resolved",
}


def stage_of(
    *, dispatched_at: datetime | None, arrived_at: datetime | None, resolved_at: datetime | None
) -> Stage:
    """How far the response has gone, from its recorded times."""
    if resolved_at is not None:
        return Stage.RESOLVED
    if arrived_at is not None:
        return Stage.ARRIVED
    return Stage.DISPATCHED if dispatched_at is not None else Stage.NOT_DISPATCHED


def check_step(stage: Stage, step: Step) -> None:
    """StepRefused unless the step comes next in the response."""
    if _ALLOWED_FROM[step] is not stage:
        raise StepRefused(_REFUSALS[(step, stage)])


def check_completion(stage: Stage) -> None:
    """A referral with a unit out completes only once the incident is resolved."""
    if stage in (Stage.DISPATCHED, Stage.ARRIVED):
        raise StepRefused("the dispatched unit has not resolved the incident: resolve it first")
