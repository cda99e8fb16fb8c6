"""What is left of an earlier PostgreSQL on a data directory: a live orphan, a zombie, a stale pid file.

A postmaster and every one of its backends run with the data directory as their working directory,
so `/proc/<pid>/cwd` finds them even when postmaster.pid is gone or names a recycled pid. A process
counts only if it is alive (not a zombie, which `kill -0` would call alive) and runs `postgres`.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)


def _state(pid: int) -> str | None:
    """The process's state letter from /proc (R, S, Z, ...), None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def is_alive(pid: int) -> bool:
    """Alive and not a zombie (a dead process its parent has not reaped yet)."""
    state = _state(pid)
    return state is not None and state not in ("Z", "X")


def _runs_postgres(pid: int) -> bool:
    try:
        executable = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return Path(executable.removesuffix(" (deleted)")).name == "postgres"


def _works_in(pid: int, pgdata: Path) -> bool:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")) == pgdata.resolve()
    except OSError:
        return False


def server_processes(pgdata: Path) -> list[int]:
    """Live postgres processes (postmaster and backends) working on this data directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            pid = int(entry.name)
            if pid != os.getpid() and _works_in(pid, pgdata) and _runs_postgres(pid) and is_alive(pid):
                found.append(pid)
    return sorted(found)


def recorded_postmaster(pgdata: Path) -> int | None:
    """The pid postmaster.pid names, if it is a live postgres working on this data directory."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if is_alive(pid) and _runs_postgres(pid) and _works_in(pid, pgdata) else None


def _wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        left = [pid for pid in pids if is_alive(pid)]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def clear_leftovers(pgdata: Path, *, timeout: float = 30.0) -> None:
    """Stop any PostgreSQL still working on `pgdata` and remove a stale postmaster.pid.

    An orphan postmaster (its app was killed too hard to stop it) gets a fast shutdown, so what it
    committed is checkpointed; backends outliving a dead postmaster are ended, because a new server
    must never share the data directory with them.
    """
    postmaster = recorded_postmaster(pgdata)
    if postmaster is not None:
        log.warning("stopping an orphaned PostgreSQL left by an earlier run", extra={"pid": postmaster})
        _signal([postmaster], signal.SIGINT)  # fast shutdown
        if _wait_gone([postmaster], timeout):
            _signal([postmaster], signal.SIGQUIT)  # immediate shutdown; WAL replay on the next start
            _wait_gone([postmaster], 5)
    leftovers = server_processes(pgdata)
    if leftovers:
        log.warning("ending PostgreSQL processes of a dead server", extra={"pids": leftovers})
        _signal(leftovers, signal.SIGTERM)
        _signal(_wait_gone(leftovers, 5), signal.SIGKILL)
        if _wait_gone(leftovers, 5):
            raise RuntimeError(f"PostgreSQL processes {leftovers} on {pgdata} do not exit")
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        # Nothing alive works on the data directory: the file is stale (a crash, a zombie, a pid
        # recycled by an unrelated process) and would make the new server refuse to start.
        log.info("removing a stale postmaster.pid")
        pid_file.unlink(missing_ok=True)
    # Likewise the socket's lock file: it names the dead postmaster, which may still be an unreaped
    # zombie (alive to kill -0), and the new server would refuse to start beside it.
    for socket_lock in pgdata.glob(".s.PGSQL.*.lock"):
        socket_lock.unlink(missing_ok=True)
