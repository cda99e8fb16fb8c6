"""Structured JSON logs carrying the trace id, so a log line leads to its trace.

Log only identifiers (case, report, referral ids), never a child's or reporter's personal data.
"""

from __future__ import annotations

import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from backbone.messaging.outage import KafkaLogFilter


class _TraceContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = f"{context.trace_id:032x}" if context.is_valid else None
        record.span_id = f"{context.span_id:016x}" if context.is_valid else None
        return True


def database_error_summary(error: BaseException) -> str | None:
    """A database failure described without its message, or None if the error is not one.

    asyncpg's messages can quote the value that failed (a name, an ID number), and SQLAlchemy's
    hide_parameters does not reach them, so only the error's class and SQLSTATE may be logged.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        module = type(current).__module__
        if module.startswith(("asyncpg", "sqlalchemy")):
            original = getattr(current, "orig", None) or current
            sqlstate = getattr(original, "sqlstate", None) or getattr(current, "sqlstate", None)
            return f"{type(original).__name__} (SQLSTATE {sqlstate or 'unknown'})"
        current = current.__cause__ or current.__context__
    return None


class _RedactDatabaseErrors(logging.Filter):
    """Replace the traceback of a database error (whoever logs it: us, uvicorn, starlette) by a summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            summary = database_error_summary(record.exc_info[1])
            if summary is not None:
                record.exc_info = None
                record.exc_text = None
                record.database_error = summary
        return True


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to stdout as one JSON object per line."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_TraceContextFilter())
    handler.addFilter(_RedactDatabaseErrors())
    # A broker outage is two lines (gone, back after N s), not thousands of aiokafka errors.
    handler.addFilter(KafkaLogFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request's URL at INFO: a webhook's target URL is the agency's, not ours to log.
    for noisy in ("aiokafka", "kafka", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
