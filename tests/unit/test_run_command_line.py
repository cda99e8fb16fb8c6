"""`./run.sh` says what it accepts and refuses what it does not: options map to settings, unknown
arguments and bad values exit non-zero with a message naming them, before anything starts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backbone.run import settings_from
from backbone.settings import REPO_ROOT, Settings


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backbone.run", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_options_become_settings() -> None:
    base = Settings(BACKBONE_PORT=8000)
    settings = settings_from(["--host", "0.0.0.0", "--port", "8102", "--services", "intake,routing"], base)
    assert (settings.host, settings.port, settings.service_names) == ("0.0.0.0", 8102, ["intake", "routing"])
    assert settings_from([], base).port == 8000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "8102", "--bogus"], "unrecognized arguments: --bogus"),
        (["8102"], "unrecognized arguments: 8102"),
        (["--port", "eighty"], "argument --port: not a port number"),
        (["--port", "70000"], "port must be between 1 and 65535"),
        (["--services", "intake,postal"], "unknown services: ['postal']"),
    ],
)
def test_bad_arguments_are_refused(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        settings_from(args, Settings())
    assert refused.value.code == 2
    assert message in capsys.readouterr().err


def test_help_lists_options_and_environment() -> None:
    answer = run("--help")
    assert answer.returncode == 0, answer.stderr
    expected = ("--host", "--port", "--services", "BACKBONE_PORT", "DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")
    for text in expected:
        assert text in answer.stdout, text


def test_unknown_argument_exits_before_anything_starts() -> None:
    answer = run("--port", "8102", "--verbose")
    assert answer.returncode == 2
    assert "unrecognized arguments: --verbose" in answer.stderr
    assert "usage: ./run.sh" in answer.stderr


def test_bad_environment_is_named_not_echoed() -> None:
    answer = run(BACKBONE_PORT="not-a-port")
    assert answer.returncode == 2
    assert "BACKBONE_PORT" in answer.stderr and "not-a-port" not in answer.stderr
