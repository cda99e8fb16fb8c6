"""`python -m backbone.audit verify --service NAME [--database-url URL]`: check a service's chain.

Exits 0 when every record links to the one before and matches its hash; otherwise prints the first
broken record's id and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from backbone.audit.verify import verify_chain
from backbone.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m backbone.audit")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a service's audit chain")
    verify.add_argument("--service", required=True)
    verify.add_argument("--database-url", default=None, help="default: DATABASE_URL")
    args = parser.parse_args()
    url = args.database_url or get_settings().database_url
    if not url:
        parser.error("give --database-url or set DATABASE_URL")
    result = asyncio.run(verify_chain(url, service=args.service))
    if result.broken is None:
        print(f"{args.service}: {result.checked} audit records, chain intact")
        return
    print(f"{args.service}: chain broken at record {result.broken.record_id}: {result.broken.reason}")
    sys.exit(1)


if __name__ == "__main__":
    main()
