"""Each service connects as its own role, which can use its own schema only; none is a superuser."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backbone.messaging.embedded import EmbeddedTransport
from tests.support.system import running_system

INSUFFICIENT_PRIVILEGE = "42501"


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig.__cause__, "sqlstate", None)


async def _refused(engine, sql: str) -> str | None:
    async with engine.connect() as connection:
        with pytest.raises(DBAPIError) as refused:
            await connection.execute(text(sql))
    return _sqlstate(refused.value)


async def test_a_service_cannot_read_another_services_table(fresh_database_url: str) -> None:
    async with running_system(fresh_database_url, ["intake", "routing"]) as (system, _):
        intake, routing = system.runtime("intake").engine, system.runtime("routing").engine

        for name, engine in (("intake", intake), ("routing", routing)):
            async with engine.connect() as connection:
                user, superuser, search_path = (
                    await connection.execute(
                        text(
                            "SELECT current_user, rolsuper, current_setting('search_path') "
                            "FROM pg_roles WHERE rolname = current_user"
                        )
                    )
                ).one()
                # Its own tables it reads and writes.
                assert await connection.scalar(text("SELECT count(*) FROM outbox")) == 0
            assert user == system.access.role(name) != system.access.owner
            assert superuser is False, f"{name} connects as a superuser"
            assert search_path.startswith(name)

        # Children's data lives in intake's schema: routing cannot read it, nor its outbox.
        assert await _refused(routing, "SELECT count(*) FROM intake.children") == INSUFFICIENT_PRIVILEGE
        assert await _refused(routing, "SELECT count(*) FROM intake.outbox") == INSUFFICIENT_PRIVILEGE
        assert await _refused(intake, "SELECT count(*) FROM routing.outbox") == INSUFFICIENT_PRIVILEGE
        assert await _refused(intake, "DELETE FROM routing.outbox") == INSUFFICIENT_PRIVILEGE
        # Nor can a service change tables, even its own: migrations run as the schema's owner.
        assert await _refused(intake, "DROP TABLE intake.outbox") == INSUFFICIENT_PRIVILEGE
        assert await _refused(intake, "CREATE TABLE intake.extra (id int)") == INSUFFICIENT_PRIVILEGE
        assert await _refused(intake, "UPDATE backbone_alembic_version SET version_num = 'x'") == (
            INSUFFICIENT_PRIVILEGE
        )

        # The embedded log's own role reaches the log, and no service's tables.
        assert isinstance(system.transport, EmbeddedTransport)
        log = system.transport._require_engine()
        assert await _refused(log, "SELECT count(*) FROM intake.children") == INSUFFICIENT_PRIVILEGE
        assert await _refused(intake, "SELECT count(*) FROM broker.messages") == INSUFFICIENT_PRIVILEGE


async def test_restarting_on_the_same_database_keeps_the_roles_working(fresh_database_url: str) -> None:
    for _ in range(2):
        async with running_system(fresh_database_url, ["intake"]) as (system, client):
            assert (await client.get("/intake/readyz")).status_code == 200
            async with system.runtime("intake").engine.connect() as connection:
                assert await connection.scalar(text("SELECT current_user")) == system.access.role("intake")
