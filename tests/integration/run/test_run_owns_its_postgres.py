"""./run.sh (`python -m backbone.run`) owns its PostgreSQL: however it is stopped or killed, a restart
ends with exactly one server for its data dir, the system serving, and nothing accepted lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backbone.pgserver import SERVER_USER_WHEN_ROOT, binaries
from tests.support.journeys import report_body
from tests.support.run_process import RunningBackbone, free_port, postmasters

SCHOOL_REPORT = report_body(
    source="school",
    categories=["abuse"],
    child={"name": "测试儿童", "gender": "male", "age": 9},
    immediate_danger=True,
    injured=True,
)


@pytest.fixture
def run() -> Iterator[RunningBackbone]:
    # Not pytest's tmp_path: every pytest session resets /tmp/pytest-of-<user> to 0700, and when run
    # as root the server's own user must be able to reach its data dir.
    data_dir = Path(tempfile.mkdtemp(prefix="backbone-run-"))
    backbone = RunningBackbone(data_dir=data_dir, port=free_port())
    yield backbone
    backbone.kill_everything()
    shutil.rmtree(data_dir, ignore_errors=True)


async def _accept_report(run: RunningBackbone, key: str) -> str:
    headers = {"Idempotency-Key": key}
    response = await run.request("POST", "/intake/v1/reports", json=SCHOOL_REPORT, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()["report_id"]


async def _serving_with_one_server(run: RunningBackbone, report_id: str) -> None:
    await run.serving()
    assert (await run.request("GET", "/intake/healthz")).status_code == 200
    assert len(postmasters(run.pgdata)) == 1, f"PostgreSQL servers on the data dir: {postmasters(run.pgdata)}"
    response = await run.request("GET", f"/intake/v1/reports/{report_id}")
    assert response.status_code == 200, f"the report accepted before the stop is gone: {response.text}"
    assert (await _accept_report(run, f"after-{report_id}")) != report_id


async def _stop_cleanly(run: RunningBackbone) -> None:
    run.signal(signal.SIGTERM)
    run.wait_exit()
    await run.no_server_left()


@pytest.mark.parametrize(
    ("signum", "group"),
    [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGKILL, True), (signal.SIGKILL, False)],
    ids=["SIGTERM", "SIGINT", "kill -9 of the process group", "kill -9 of the app alone"],
)
async def test_restart_after_stop_or_kill_serves_on_one_server(
    run: RunningBackbone, signum: int, group: bool
) -> None:
    run.start()
    await run.serving()
    [server] = postmasters(run.pgdata)
    report_id = await _accept_report(run, "before-the-stop")

    run.signal(signum, group=group)
    run.wait_exit()
    # Stopped or killed, the app takes its PostgreSQL with it: nothing is left running, orphaned.
    await run.no_server_left()

    run.start()
    await _serving_with_one_server(run, report_id)
    assert postmasters(run.pgdata) != [server]
    await _stop_cleanly(run)


async def test_restart_clears_what_an_earlier_server_left(run: RunningBackbone) -> None:
    run.start()
    await run.serving()
    report_id = await _accept_report(run, "before-the-crash")
    run.signal(signal.SIGKILL, group=True)
    run.wait_exit()
    await run.no_server_left()
    pid_file = run.pgdata / "postmaster.pid"
    crashed = pid_file.read_text()  # a crash leaves the pid file behind

    # The pid file names a zombie: a postgres that died and is not reaped yet (kill -0 says alive).
    zombie = subprocess.Popen([str(binaries() / "postgres"), "-V"], stdout=subprocess.DEVNULL)  # noqa: ASYNC220
    while _state(zombie.pid) != "Z":
        pass
    pid_file.write_text(f"{zombie.pid}\n" + crashed.split("\n", 1)[1])
    run.start()
    await _serving_with_one_server(run, report_id)
    zombie.wait()
    run.signal(signal.SIGKILL, group=True)
    run.wait_exit()
    await run.no_server_left()

    # The pid file names a live process that is not PostgreSQL (the pid was recycled).
    pid_file.write_text(f"{os.getpid()}\n" + crashed.split("\n", 1)[1])
    run.start()
    await _serving_with_one_server(run, report_id)
    await _stop_cleanly(run)

    # An orphan: a server still running on the data dir in a session of its own (what pg_ctl, and so
    # an earlier release, left after a hard kill). It is shut down and replaced by the app's own.
    root = os.geteuid() == 0
    orphan = subprocess.Popen(  # noqa: ASYNC220
        [
            str(binaries() / "postgres"),
            "-D",
            str(run.pgdata),
            "-k",
            str(run.pgdata),
            "-c",
            "listen_addresses=",
        ],
        **(
            {"user": SERVER_USER_WHEN_ROOT, "group": SERVER_USER_WHEN_ROOT, "extra_groups": []}
            if root
            else {}
        ),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not (run.pgdata / ".s.PGSQL.5432").exists():
        assert orphan.poll() is None, "the orphan did not start"
    run.start()
    await _serving_with_one_server(run, report_id)
    assert orphan.wait(30) is not None and orphan.pid not in postmasters(run.pgdata)
    await _stop_cleanly(run)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
