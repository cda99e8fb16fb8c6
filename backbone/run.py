"""`python -m backbone.run`: the whole system in one process on embedded PostgreSQL and transport.

The process owns its PostgreSQL (backbone.pgserver): started before the app, stopped after it on
SIGTERM and SIGINT, taken down with it by a parent-death signal however else it ends.
"""

import signal
import sys

import uvicorn

from backbone.app import create_app
from backbone.logging import configure_logging
from backbone.pgserver import EmbeddedPostgres
from backbone.settings import get_settings
from backbone.system import System


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with this handler in
    # place: leaving through SystemExit runs the `finally` that stops PostgreSQL.
    sys.exit(128 + signum)


def main() -> None:
    settings = get_settings()
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
        uvicorn.run(
            create_app(System(settings)),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
        )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
