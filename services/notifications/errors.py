"""How notifications' views turn domain refusals into specific HTTP answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

from backbone.web.problems import declared_refusals, problem
from services.notifications.subscriptions.service import (
    SubscriptionNotFound,
    TransitionRefused,
    UnknownEventType,
)
from services.notifications.subscriptions.targets import TargetRefused

# The refusals `http_errors` answers, for a route's `responses=` (422 is declared on every operation).
UNKNOWN_SUBSCRIPTION = declared_refusals(not_found="No subscription with this id among the agency's own")
UNKNOWN_DELIVERY = declared_refusals(not_found="No delivery with this id among the agency's own")


def refused(description: str) -> dict[int, dict]:
    """A 409 declaration: the subscription's or delivery's state does not allow the step."""
    return declared_refusals(conflict=description)


@contextmanager
def http_errors() -> Iterator[None]:
    """Domain refusals as specific answers: 404 unknown id, 409 illegal transition, 422 bad input."""
    try:
        yield
    except SubscriptionNotFound as error:
        raise HTTPException(404, detail=str(error)) from error
    except TransitionRefused as error:
        raise HTTPException(409, detail=str(error)) from error
    except UnknownEventType as error:
        detail = [problem(["body", "event_types", error.index], str(error), "unknown_event_type")]
        raise HTTPException(422, detail=detail) from error
    except TargetRefused as error:
        raise HTTPException(422, detail=[problem(["body", "url"], str(error), error.type)]) from error
