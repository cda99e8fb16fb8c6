"""Domain refusals shared by the agencies, and how a view turns them into specific HTTP answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from fastapi import HTTPException

from backbone.uow import UnitOfWork
from backbone.web.problems import ErrorMessage, problem

# The refusals `run_step` answers, for a route's `responses=` (422 is declared on every operation already).
UNKNOWN_REFERRAL = {
    404: {
        "model": ErrorMessage,
        "description": "No referral with this id in this agency's inbox, or nothing recorded on it yet",
    }
}
STEP_REFUSALS = {
    **UNKNOWN_REFERRAL,
    409: {
        "model": ErrorMessage,
        "description": "The referral's state does not allow this step (not accepted yet, already declined "
        "or completed, or the step is out of order); nothing changed",
    },
}

Result = TypeVar("Result")
View = TypeVar("View")


class ReferralNotFound(LookupError):
    """No referral with that id in this agency's inbox: 404."""


class StepRefused(Exception):
    """The step is illegal in the referral's current state: 409, and nothing changes."""


class NotPermitted(PermissionError):
    """The caller's grant does not allow what the body asks for (naming its field): 403, nothing changes."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidInput(ValueError):
    """A well-formed body that contradicts what is recorded (e.g. arrival before dispatch): 422."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@contextmanager
def http_errors() -> Iterator[None]:
    """Turn domain refusals raised inside the block into 403, 404, 409 or 422 answers."""
    try:
        yield
    except ReferralNotFound as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    except StepRefused as error:
        raise HTTPException(status_code=409, detail=str(error)) from error
    except NotPermitted as error:
        raise HTTPException(status_code=403, detail=str(error)) from error
    except InvalidInput as error:
        detail = [problem(["body", error.field], error.message, "value_error")]
        raise HTTPException(status_code=422, detail=detail) from error


async def run_step(
    uow: UnitOfWork,
    step: Callable[[], Awaitable[Result]],
    present: Callable[[Result], View],
    *,
    commit: bool = True,
) -> View:
    """Run a service call in the unit of work (refusals as 4xx), commit unless a read, present the result."""
    async with uow:
        with http_errors():
            result = await step()
        if commit:
            await uow.commit()
        return present(result)
