"""Which database failures are an outage (503), which a value the store refuses (422), which a bug (500)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backbone.web.failures import classify_database_error


def _wrapped(error: BaseException) -> DBAPIError:
    """An asyncpg error the way SQLAlchemy raises it: a DBAPIError whose orig was raised from it."""
    translated = Exception("translated")
    translated.__cause__ = error
    return DBAPIError("SELECT 1", None, translated)


async def test_a_refused_connection_is_an_outage() -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect("postgresql://postgres@127.0.0.1:1/postgres", timeout=5)
    assert classify_database_error(refused.value) == "unavailable"


def test_a_server_starting_up_or_shutting_down_is_an_outage() -> None:
    for error in (
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
    ):
        assert classify_database_error(error) == "unavailable", error
        assert classify_database_error(_wrapped(error)) == "unavailable", error


def test_a_pool_timeout_or_an_invalidated_connection_is_an_outage() -> None:
    assert classify_database_error(PoolTimeout("QueuePool limit reached")) == "unavailable"
    invalidated = OperationalError("SELECT 1", None, Exception("gone"), connection_invalidated=True)
    assert classify_database_error(invalidated) == "unavailable"


def test_values_the_store_cannot_keep_are_the_callers() -> None:
    for error in (
        asyncpg.CharacterNotInRepertoireError("invalid byte sequence for encoding UTF8: 0x00"),
        asyncpg.NumericValueOutOfRangeError("bigint out of range"),
        asyncpg.StringDataRightTruncationError("value too long for type character varying(64)"),
    ):
        assert classify_database_error(_wrapped(error)) == "unstorable", error


def test_anything_else_stays_a_server_error() -> None:
    assert classify_database_error(_wrapped(asyncpg.UndefinedTableError("no such table"))) is None
    assert classify_database_error(asyncpg.UniqueViolationError("duplicate key")) is None
    assert classify_database_error(ConnectionRefusedError("not from the database driver")) is None
    assert classify_database_error(ValueError("a bug")) is None
