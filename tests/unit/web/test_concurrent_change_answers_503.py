"""A request whose transaction lost to a concurrent one (a deadlock, a serialization failure) was rolled
back and changed nothing: it is answered 503 with Retry-After and a code saying so, not a 500."""

from __future__ import annotations

import json
from types import SimpleNamespace

import asyncpg
from sqlalchemy.exc import DBAPIError

from backbone.web.failures import classify_database_error, database_failed


def _wrapped(error: BaseException) -> DBAPIError:
    translated = Exception("translated")
    translated.__cause__ = error
    return DBAPIError("SELECT pg_advisory_xact_lock(hashtext($1))", None, translated)


def test_a_deadlock_or_serialization_failure_is_contention() -> None:
    for error in (
        asyncpg.DeadlockDetectedError("deadlock detected"),
        asyncpg.SerializationError("could not serialize access due to concurrent update"),
    ):
        assert classify_database_error(error) == "contended", error
        assert classify_database_error(_wrapped(error)) == "contended", error


async def test_contention_is_answered_503_with_retry_after() -> None:
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(service_name="routing")))
    answer = await database_failed(request, _wrapped(asyncpg.DeadlockDetectedError("deadlock detected")))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert [p["type"] for p in json.loads(answer.body)["detail"]] == ["concurrent_change"]
