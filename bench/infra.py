"""Kafka and PostgreSQL for a run: reuse what is running, start what is not (and stop only that)."""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from backbone.db import asyncpg_url
from backbone.db_access import drop_database_roles
from backbone.settings import Settings

log = logging.getLogger("bench")
REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL = REPO_ROOT / "deploy" / "local"


def plain_dsn(url: str) -> str:
    """A DSN asyncpg.connect accepts, from either URL form."""
    return asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)


def with_database(url: str, database: str) -> str:
    """The same server URL naming another database (SQLAlchemy asyncpg form)."""
    head, _, tail = asyncpg_url(url).partition("?")
    return head.rsplit("/", 1)[0] + "/" + database + (f"?{tail}" if tail else "")


def kafka_security() -> dict[str, str]:
    """SASL options for raw clients, from the environment (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*)."""
    return Settings().kafka_security_options()


def _script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(LOCAL / f"{name}.sh"), *args], capture_output=True, text=True, check=False
    )


def _use_local_kafka_credentials() -> None:
    """deploy/local's broker takes SCRAM only: the run and its services connect as its admin (the
    services' own users may only use topics without a namespace, and each run has its own)."""
    for line in _script("kafka", "env", "admin").stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        if name.startswith("KAFKA_") and name != "KAFKA_BOOTSTRAP_SERVERS" and value:
            os.environ[name] = value


@dataclass
class Infra:
    """The broker and server a run uses; `started` lists what this run started and must stop."""

    kafka: str
    database_url: str
    started: list[str] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)

    @classmethod
    def up(cls) -> Infra:
        """Use KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set; otherwise deploy/local, started if needed."""
        started: list[str] = []
        database_url = os.environ.get("DATABASE_URL", "").strip()
        kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
        for name, given in (("postgres", database_url), ("kafka", kafka)):
            if given:
                continue
            if _script(name, "status").returncode != 0:
                log.info("starting %s (deploy/local/%s.sh start)", name, name)
                result = _script(name, "start")
                if result.returncode != 0:
                    raise RuntimeError(f"{name}.sh start failed: {result.stderr[-2000:]}")
                started.append(name)
        if not database_url:
            database_url = _script("postgres", "url").stdout.strip()
        if not kafka:
            kafka = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
            _use_local_kafka_credentials()
        return cls(kafka=kafka, database_url=asyncpg_url(database_url), started=started)

    def down(self) -> None:
        """Stop only what `up` started, in reverse order."""
        for name in reversed(self.started):
            log.info("stopping %s (started by this run)", name)
            _script(name, "stop")
        self.started.clear()

    async def create_database(self, name: str) -> str:
        """Create a fresh database on the server and return its URL; dropped by `drop_databases`."""
        admin = await asyncpg.connect(plain_dsn(self.database_url))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.databases.append(name)
        return with_database(self.database_url, name)

    async def drop_databases(self) -> None:
        """Drop every database this run created, and the services' roles provisioned for it."""
        if not self.databases:
            return
        admin = await asyncpg.connect(plain_dsn(self.database_url))
        try:
            for name in self.databases:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await drop_database_roles(admin, name)
        finally:
            await admin.close()
        self.databases.clear()

    async def delete_topics(self, namespace: str) -> int:
        """Delete the topics carrying this run's namespace prefix; never anyone else's."""
        if not namespace:
            return 0
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka, **kafka_security())
        await admin.start()
        try:
            mine = [t for t in await admin.list_topics() if t.startswith(namespace)]
            if mine:
                await admin.delete_topics(mine)
            return len(mine)
        finally:
            await admin.close()
