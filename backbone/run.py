"""`python -m backbone.run`: the whole system in one process on embedded PostgreSQL and transport."""

import uvicorn

from backbone.app import create_app
from backbone.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run(create_app(), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
