"""`python -m backbone.run`: the whole system in one process on embedded PostgreSQL and transport."""

import uvicorn

from backbone.app import create_app
from backbone.settings import get_settings


def main() -> None:
    settings = get_settings()
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
    uvicorn.run(create_app(), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
