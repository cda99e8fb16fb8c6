"""`python -m backbone.issuer token ACCOUNT`: an access token from the running built-in issuer;
`python -m backbone.issuer password PERSON`: the password a person signs in to the operations page with.

Reads the account's secret from the owner-only secrets file the issuer wrote on first start
(<BACKBONE_DATA_DIR>/identity/secrets.json) and asks the issuer's token endpoint over HTTP: client
credentials for an agency system, the password grant (console client) for a person.
"""

from __future__ import annotations

import argparse
import json
import sys

import httpx

from backbone.issuer.registry import DEFAULT_REGISTRY
from backbone.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m backbone.issuer")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="print an access token for a registered account")
    token.add_argument("account", help="e.g. hotline-12355, police-dispatch, supervisor")
    token.add_argument("--scope", default=None, help="space-separated subset of the account's scopes")
    password = commands.add_parser("password", help="print a person's password (for the sign-in form)")
    password.add_argument("account", help="a person: supervisor, joint-office, operations, ...")
    args = parser.parse_args()
    settings = get_settings()
    secrets_file = settings.data_dir / "identity" / "secrets.json"
    if not secrets_file.exists():
        sys.exit(
            f"no {secrets_file}: start the system once with ./run.sh (distributed mode: "
            "deploy/local/services.sh start, then deploy/local/services.sh token ACCOUNT)"
        )
    secret = json.loads(secrets_file.read_text()).get(args.account)
    registry = json.loads((settings.identity_registry_path or DEFAULT_REGISTRY).read_text(encoding="utf-8"))
    users = {user["name"] for user in registry.get("users", [])}
    if secret is None:
        sys.exit(
            f"unknown account {args.account!r}; see {settings.identity_registry_path or DEFAULT_REGISTRY}"
        )
    if args.command == "password":
        if args.account not in users:
            sys.exit(f"{args.account!r} is not a person (agency systems sign in with client credentials)")
        print(secret)
        return
    form = {"scope": args.scope} if args.scope else {}
    if args.account in users:
        form |= {
            "grant_type": "password",
            "client_id": "console",
            "username": args.account,
            "password": secret,
        }
        auth = None
    else:
        form |= {"grant_type": "client_credentials"}
        auth = (args.account, secret)
    response = httpx.post(f"{settings.issuer_url}/token", data=form, auth=auth, timeout=10)
    if response.status_code != 200:
        sys.exit(f"the issuer refused: {response.status_code} {response.json().get('error', '')}")
    print(response.json()["access_token"])


if __name__ == "__main__":
    main()
