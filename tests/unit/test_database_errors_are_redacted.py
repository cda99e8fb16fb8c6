"""A database error's text can quote the failing value (a child's name); logs and dead-letter reasons
carry only its class and SQLSTATE."""

import io
import json
import logging

import asyncpg
from sqlalchemy.exc import DBAPIError

from backbone.logging import configure_logging
from backbone.messaging.consumer import describe_failure


def _data_error() -> DBAPIError:
    original = asyncpg.exceptions.DataError("invalid input for query argument $2: '王小明' (expected a date)")
    original.sqlstate = "22000"
    return DBAPIError("INSERT INTO children ...", {"name": "王小明"}, original)


def test_logged_database_error_keeps_no_value(monkeypatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    configure_logging("INFO")
    try:
        raise _data_error()
    except DBAPIError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert "王小明" not in stream.getvalue()
    assert line["database_error"] == "DataError (SQLSTATE 22000)"


def test_dead_letter_reason_names_class_and_sqlstate_only() -> None:
    assert describe_failure(_data_error()) == "DataError (SQLSTATE 22000)"
    assert describe_failure(ValueError("not a database error")) == "ValueError: not a database error"
