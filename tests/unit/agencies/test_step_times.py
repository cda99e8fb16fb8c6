"""When an agency step happened: the reported time or now, never in the future nor before the last step."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backbone.clock import set_clock
from services.agency.errors import InvalidInput
from services.agency.timing import CLOCK_SKEW, happened_at

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    set_clock(lambda: NOW)
    yield
    set_clock(None)


def test_defaults_to_now() -> None:
    assert happened_at(None, field="dispatched_at") == NOW


def test_reported_time_is_kept() -> None:
    earlier = NOW - timedelta(minutes=7)
    assert happened_at(earlier, field="dispatched_at") == earlier
    assert happened_at(NOW + CLOCK_SKEW, field="dispatched_at") == NOW + CLOCK_SKEW


def test_future_time_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        happened_at(NOW + CLOCK_SKEW + timedelta(seconds=1), field="arrived_at")
    assert (error.value.field, error.value.message) == ("arrived_at", "must not be in the future")


def test_time_before_the_previous_step_is_invalid() -> None:
    dispatched = NOW - timedelta(minutes=5)
    with pytest.raises(InvalidInput, match="before the dispatch") as error:
        happened_at(
            dispatched - timedelta(seconds=1),
            field="arrived_at",
            not_before=dispatched,
            previous_step="dispatch",
        )
    assert error.value.field == "arrived_at"


def test_default_never_precedes_a_previous_step_reported_within_the_skew() -> None:
    ahead = NOW + timedelta(minutes=1)
    assert happened_at(None, field="arrived_at", not_before=ahead, previous_step="dispatch") == ahead
