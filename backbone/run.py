"""`./run.sh` (`python -m backbone.run`): the whole system in one process, embedded PostgreSQL and transport
unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS say otherwise. `./run.sh --help` lists what it accepts.

The process owns its PostgreSQL (backbone.pgserver): started before the app, stopped after it on
SIGTERM and SIGINT, taken down with it by a parent-death signal however else it ends.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

import uvicorn
from pydantic import ValidationError

from backbone.app import create_app
from backbone.logging import configure_logging
from backbone.pgserver import EmbeddedPostgres
from backbone.settings import Settings, get_settings
from backbone.system import System

# The variables people set most; every one is in the README's configuration table.
ENVIRONMENT = (
    "BACKBONE_SERVICES",
    "BACKBONE_TRANSPORT",
    "KAFKA_BOOTSTRAP_SERVERS",
    "DATABASE_URL",
    "BACKBONE_DATA_DIR",
    "BACKBONE_HOST",
    "BACKBONE_PORT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "LOG_LEVEL",
    "SLA_POLICY_PATH",
)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {port}")
    return port


def _epilog() -> str:
    fields = {field.validation_alias: field for field in Settings.model_fields.values()}
    lines = ["environment (options given here win over them; the README's Configuration lists all):"]
    for name in ENVIRONMENT:
        field = fields[name]
        lines.append(f"  {name:<29} {field.description}")
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The command line `./run.sh` accepts."""
    arguments = argparse.ArgumentParser(
        prog="./run.sh",
        description="Run the referral backbone's services in one process and serve their APIs "
        "(/{service}/v1/...), docs (/{service}/docs), metrics (/metrics) and the service list (/).",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    arguments.add_argument("--host", help="address to listen on (BACKBONE_HOST; default 127.0.0.1)")
    arguments.add_argument("--port", type=_port, help="port to listen on (BACKBONE_PORT; default 8000)")
    arguments.add_argument(
        "--services",
        help="comma-separated services to run (BACKBONE_SERVICES; default: all seven and ops, the page)",
    )
    arguments.add_argument("--log-level", help="INFO, DEBUG, WARNING, ... (LOG_LEVEL; default INFO)")
    return arguments


def settings_from(argv: Sequence[str] | None, base: Settings | None = None) -> Settings:
    """The settings the command line and the environment give; exits with a message on bad arguments."""
    options = parser().parse_args(argv)
    overrides = {
        name: value
        for name, value in (
            ("host", options.host),
            ("port", options.port),
            ("services", options.services),
            ("log_level", options.log_level),
        )
        if value is not None
    }
    try:
        settings = (base or get_settings()).model_copy(update=overrides)
    except ValidationError as error:
        names = ", ".join(str(e["loc"][0]) for e in error.errors())
        parser().error(f"invalid environment variable(s): {names}")
    try:
        settings.service_names  # noqa: B018 (validates the names)
    except ValueError as error:
        parser().error(str(error))
    return settings


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with this handler in
    # place: leaving through SystemExit runs the `finally` that stops PostgreSQL.
    sys.exit(128 + signum)


def main(argv: Sequence[str] | None = None) -> None:
    settings = settings_from(argv)
    configure_logging(settings.log_level)
    if not settings.auth_issuer:
        secrets_file = settings.data_dir / "identity" / "secrets.json"
        print(
            f"Built-in issuer: {settings.issuer_url} (accounts: deploy/identity/registry.json;\n"
            f"their secrets, drawn on first start, in {secrets_file}, readable by its owner only).\n"
            "Every API call needs a bearer token, e.g.:\n"
            "  TOKEN=$(.venv/bin/python -m backbone.issuer token hotline-12355)\n"
            '  curl -H "Authorization: Bearer $TOKEN" ...',
            flush=True,
        )
    server: EmbeddedPostgres | None = None
    if not settings.database_url:
        server = EmbeddedPostgres(settings.data_dir)
        settings = settings.model_copy(update={"database_url": server.start()})
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        app = create_app(System(settings))
        uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
