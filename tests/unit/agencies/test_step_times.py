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


def test_time_before_the_referral_needs_a_late_entry() -> None:
    made = NOW - timedelta(hours=1)
    a_day_before = made - timedelta(days=1)
    with pytest.raises(InvalidInput, match="before the referral was made") as error:
        happened_at(a_day_before, field="dispatched_at", referral_made_at=made)
    assert error.value.field == "dispatched_at"
    assert happened_at(made - CLOCK_SKEW, field="dispatched_at", referral_made_at=made) == made - CLOCK_SKEW
    late = happened_at(
        a_day_before, field="dispatched_at", referral_made_at=made, late_entry_reason="paper log"
    )
    assert late == a_day_before


def test_a_late_entry_needs_a_reason_and_never_allows_the_future() -> None:
    with pytest.raises(InvalidInput) as error:
        happened_at(NOW, field="dispatched_at", late_entry_reason="  ")
    assert error.value.field == "late_entry_reason"
    with pytest.raises(InvalidInput, match="future"):
        happened_at(NOW + timedelta(hours=1), field="dispatched_at", late_entry_reason="typed later")
