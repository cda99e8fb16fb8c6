"""The embedded PostgreSQL of ./run.sh: no TCP, an owner-only socket, passwords for every other role."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from backbone.pgserver import PORT, EmbeddedPostgres, binaries


@pytest.fixture
def server() -> Iterator[EmbeddedPostgres]:
    data_dir = Path(tempfile.mkdtemp(prefix="backbone-pg-"))  # see test_run_owns_its_postgres
    server = EmbeddedPostgres(data_dir)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


async def test_only_the_owner_reaches_the_server_and_other_roles_need_passwords(
    server: EmbeddedPostgres,
) -> None:
    socket_file = server.socket_dir / f".s.PGSQL.{PORT}"
    assert stat.S_IMODE(socket_file.stat().st_mode) == 0o700

    owner = await asyncpg.connect(
        host=str(server.socket_dir), port=PORT, user="postgres", database="postgres"
    )
    try:
        assert await owner.fetchval("SHOW listen_addresses") == ""  # no TCP at all
        rules = await owner.fetch("SELECT type, user_name, auth_method, options FROM pg_hba_file_rules")
        await owner.execute("CREATE ROLE visitor LOGIN PASSWORD 'visitor-secret'")
    finally:
        await owner.close()
    assert "trust" not in {rule["auth_method"] for rule in rules}
    assert {r["auth_method"] for r in rules if r["type"] == "host"} == {"scram-sha-256"}

    # Any other role needs its password, even on the socket.
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(host=str(server.socket_dir), port=PORT, user="visitor", database="postgres")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(
            host=str(server.socket_dir), port=PORT, user="visitor", password="wrong", database="postgres"
        )
    visitor = await asyncpg.connect(
        host=str(server.socket_dir), port=PORT, user="visitor", password="visitor-secret", database="postgres"
    )
    await visitor.close()

    if os.geteuid() == 0:
        # Another local user cannot even open the socket.
        probe = subprocess.run(  # noqa: ASYNC221
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(binaries() / "psql"),
             "-X", "-w", "-h", str(server.socket_dir), "-p", str(PORT), "-U", "postgres", "-c", "SELECT 1"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert probe.returncode != 0 and "Permission denied" in probe.stderr, probe.stderr
