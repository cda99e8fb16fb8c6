"""Who can reach the stores: one PostgreSQL role per service, able to use its own schema only.

The administrative URL (a superuser, or a role with CREATEROLE) is used at start-up only, to provision
roles and schemas and to run migrations; services then connect as their own role. Roles are
cluster-wide, so their names carry the database's (`<database>.<service>`): systems in different
databases of one server (cities, test runs) never share or overwrite each other's roles.

Each schema is owned by the database's owner role (`<database>.owner`, no login), which runs the
migrations; a service role gets SELECT/INSERT/UPDATE/DELETE on the owner's tables through default
privileges, so a migration can withhold a privilege (REVOKE UPDATE, DELETE on an append-only table)
and it stays withheld. Passwords are derived from one secret (HMAC-SHA256), so every process of one
deployment (replicas, restarts) agrees on them without storing six.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from backbone.db import asyncpg_url, create_engine
from backbone.migrations import upgrade_service_schema

SECRET_FILE = "database-role-secret"
MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A single-quoted SQL literal (DDL takes no bind parameters)."""
    return "'" + value.replace("'", "''") + "'"


def role_name(database: str, schema: str) -> str:
    """The role of one schema's service in one database, within PostgreSQL's 63 bytes."""
    name = f"{database}.{schema}"
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    keep = MAX_IDENTIFIER - len(schema) - len(digest) - 2
    return f"{database.encode()[:keep].decode(errors='ignore')}~{digest}.{schema}"


def owner_role(database: str) -> str:
    """The role that owns every service schema of a database and runs its migrations."""
    return role_name(database, "owner")


def role_password(secret: str, role: str) -> str:
    """A role's password, derived from the deployment's secret."""
    return hmac.new(secret.encode(), role.encode(), hashlib.sha256).hexdigest()


def role_secret(configured: str | None, data_dir: Path) -> str:
    """The configured secret, else one generated once and kept owner-only in the data directory."""
    if configured:
        return configured
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


@dataclass(frozen=True)
class DatabaseAccess:
    """Provisioning with the administrative URL, and each service's own connection URL."""

    admin_url: str
    secret: str

    @property
    def database(self) -> str:
        return make_url(asyncpg_url(self.admin_url)).database or "postgres"

    @property
    def owner(self) -> str:
        return owner_role(self.database)

    def role(self, schema: str) -> str:
        return role_name(self.database, schema)

    def service_url(self, schema: str) -> str:
        """The URL a schema's service connects with: same server and database, its own role."""
        role = self.role(schema)
        password = role_password(self.secret, role)
        url = make_url(asyncpg_url(self.admin_url)).set(username=role, password=password)
        return url.render_as_string(hide_password=False)

    async def provision(self, schemas: Sequence[str]) -> None:
        """Create (or correct) the owner role, each schema and its service role; idempotent."""
        connection = await asyncpg.connect(_plain(self.admin_url))
        try:
            async with connection.transaction():
                # Replicas and services starting together provision one after the other.
                await connection.execute("SELECT pg_advisory_xact_lock(hashtext('backbone:provision'))")
                await self._ensure_owner(connection)
                for schema in schemas:
                    await self._provision_schema(connection, schema)
        finally:
            await connection.close()

    async def migrate(
        self, schema: str, migrations: tuple[Path, ...], *, attributes: Mapping[str, Any] | None = None
    ) -> None:
        """Bring a schema to head as the owner role (so the owner owns every table)."""
        engine = create_engine(self.admin_url, schema=schema, pool_size=1)
        try:
            await upgrade_service_schema(
                engine,
                schema=schema,
                service_migrations=migrations,
                role=self.owner,
                grantee=self.role(schema),
                attributes=attributes,
            )
        finally:
            await engine.dispose()

    async def run_as_owner(self, schema: str, statements: Sequence[str]) -> None:
        """Run DDL in a schema as its owner (tables outside Alembic, e.g. the embedded log)."""
        connection = await asyncpg.connect(_plain(self.admin_url))
        try:
            async with connection.transaction():
                lock = literal(f"ddl:{schema}")
                await connection.execute(f"SELECT pg_advisory_xact_lock(hashtext({lock}))")
                await connection.execute(f"SET LOCAL ROLE {quote(self.owner)}")
                await connection.execute(f"SET LOCAL search_path = {quote(schema)}")
                for statement in statements:
                    await connection.execute(statement)
        finally:
            await connection.close()

    async def _ensure_owner(self, connection: asyncpg.Connection) -> None:
        owner = quote(self.owner)
        if not await _role_exists(connection, self.owner):
            await connection.execute(f"CREATE ROLE {owner} NOLOGIN")
        is_superuser = await connection.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not is_superuser:
            # A CREATEROLE administrator must be a member to act as the owner during migrations.
            await connection.execute(f"GRANT {owner} TO CURRENT_USER")

    async def _provision_schema(self, connection: asyncpg.Connection, schema: str) -> None:
        role, owner, name = quote(self.role(schema)), quote(self.owner), quote(schema)
        password = literal(role_password(self.secret, self.role(schema)))
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
        if await _role_exists(connection, self.role(schema)):
            await connection.execute(f"ALTER ROLE {role} WITH {attributes} PASSWORD {password}")
        else:
            await connection.execute(f"CREATE ROLE {role} WITH {attributes} PASSWORD {password}")
        await connection.execute(f"GRANT CONNECT ON DATABASE {quote(self.database)} TO {role}")
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {name} AUTHORIZATION {owner}")
        await connection.execute(f"ALTER SCHEMA {name} OWNER TO {owner}")
        await connection.execute(f"REVOKE ALL ON SCHEMA {name} FROM PUBLIC")
        await connection.execute(f"GRANT USAGE ON SCHEMA {name} TO {role}")
        for grant in ("SELECT, INSERT, UPDATE, DELETE ON TABLES", "USAGE, SELECT ON SEQUENCES"):
            await connection.execute(
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {name} GRANT {grant} TO {role}"
            )
        await connection.execute(
            f"ALTER ROLE {role} IN DATABASE {quote(self.database)} SET search_path = {name}"
        )
        await self._adopt(connection, schema)

    async def _adopt(self, connection: asyncpg.Connection, schema: str) -> None:
        """Hand tables made before the owner role existed (older releases, test set-ups) to it, once."""
        strangers = await connection.fetch(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND pg_get_userbyid(c.relowner) <> $2 ORDER BY c.relkind <> 'S' DESC",
            schema,
            self.owner,
        )
        role, owner = quote(self.role(schema)), quote(self.owner)
        for relation in strangers:
            name = f"{quote(schema)}.{quote(relation['relname'])}"
            if relation["relkind"] == "S":
                # Sequences owned by a table moved with it; the rest are moved here.
                if await connection.fetchval(
                    "SELECT pg_get_userbyid(relowner) <> $2 FROM pg_class WHERE oid = $1::regclass",
                    name,
                    self.owner,
                ):
                    await connection.execute(f"ALTER SEQUENCE {name} OWNER TO {owner}")
                await connection.execute(f"GRANT USAGE, SELECT ON SEQUENCE {name} TO {role}")
            else:
                await connection.execute(f"ALTER TABLE {name} OWNER TO {owner}")
                await connection.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {role}")


async def drop_database_roles(connection: asyncpg.Connection, database: str) -> None:
    """Drop the roles provisioned for a database that has been dropped (roles outlive databases)."""
    for record in await connection.fetch(
        "SELECT rolname FROM pg_roles WHERE rolname IN (SELECT unnest($1::text[])) OR rolname LIKE $2",
        [owner_role(database)],
        database.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%",
    ):
        await connection.execute(f"DROP ROLE IF EXISTS {quote(record['rolname'])}")


async def _role_exists(connection: asyncpg.Connection, role: str) -> bool:
    return bool(await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role))


def _plain(url: str) -> str:
    return asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)
