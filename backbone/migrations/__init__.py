"""Alembic runner shared by every service: the backbone's tables, then the service's own."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

BACKBONE_MIGRATIONS = Path(__file__).resolve().parent
# Date-prefixed revision files, so the history reads in order on disk.
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


def alembic_config(script_location: Path, *, schema: str, version_table: str) -> Config:
    """An Alembic config for one script directory applied inside one service's schema."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes.update(schema=schema, version_table=version_table)
    return config


def run_env() -> None:
    """Body of every migrations/env.py: run against the connection the runner hands over."""
    attributes = context.config.attributes
    context.configure(
        connection=attributes["connection"],
        target_metadata=None,
        version_table=attributes["version_table"],
        version_table_schema=attributes["schema"],
    )
    with context.begin_transaction():
        context.run_migrations()


def _upgrade(
    connection: Connection,
    script_location: Path,
    schema: str,
    version_table: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    config = alembic_config(script_location, schema=schema, version_table=version_table)
    config.attributes.update(extra or {})
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade_service_schema(
    engine: AsyncEngine,
    *,
    schema: str,
    service_migrations: tuple[Path, ...],
    role: str | None = None,
    grantee: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> None:
    """Bring a service's schema to head; replicas starting together wait on one advisory lock.

    With `role`, the migrations run as that role (the schema's owner, see backbone.db_access), so it
    owns what they create; `grantee` (the service's role) may then read the version tables, not write them.
    `attributes` reach the service's migrations as `op.get_context().config.attributes` (e.g. the key
    ring a migration sealing existing rows needs).
    """
    async with engine.begin() as connection:
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"migrate:{schema}"}
        )
        if role:
            # The schema was provisioned; its owner runs the migrations.
            await connection.execute(text(f'SET LOCAL ROLE "{role}"'))
        else:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        await connection.run_sync(_upgrade, BACKBONE_MIGRATIONS, schema, "backbone_alembic_version")
        version_tables = ["backbone_alembic_version"]
        for location in service_migrations:
            version_tables.append(f"alembic_version_{location.parent.name}")
            await connection.run_sync(_upgrade, location, schema, version_tables[-1], attributes)
        if grantee:
            for table in version_tables:
                await connection.execute(
                    text(f'REVOKE INSERT, UPDATE, DELETE ON "{schema}"."{table}" FROM "{grantee}"')
                )
