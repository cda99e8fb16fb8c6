"""Who the built-in issuer knows: agency clients and user accounts from a data file, secrets kept apart.

The registry file (`deploy/identity/registry.json`, or IDENTITY_REGISTRY_PATH) names each client and user
with its agency, roles, district scope and scopes; no secret is in it. On first start the issuer draws
a secret for each and keeps them, with its signing keys, in files only the owner can read.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet, RSAKey

DEFAULT_REGISTRY = Path(__file__).resolve().parents[2] / "deploy" / "identity" / "registry.json"


@dataclass(frozen=True)
class Account:
    """A client (an agency system) or a user (a person): what its tokens say about it."""

    name: str
    agency: str
    roles: tuple[str, ...]
    districts: tuple[str, ...]
    scopes: tuple[str, ...]
    kind: str  # "client" or "user"
    secret: str
    description: str = ""

    def get_user_id(self) -> str:
        """The token subject of a person (authlib's user protocol)."""
        return self.name

    def claims(self) -> dict[str, Any]:
        return {"agency": self.agency, "roles": list(self.roles), "districts": list(self.districts)}

    def check_secret(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(self.secret.encode(), candidate.encode())


def _write_private(path: Path, content: str) -> None:
    """Write a file only its owner can read, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(temporary, path)


def load_secrets(path: Path, names: list[str]) -> tuple[dict[str, str], list[str]]:
    """The stored secrets, with one drawn for every account that has none yet; returns the new names."""
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    created = [name for name in names if name not in stored]
    for name in created:
        stored[name] = secrets.token_urlsafe(32)
    if created:
        _write_private(path, json.dumps(stored, indent=2, sort_keys=True))
    return stored, created


def load_signing_keys(path: Path) -> KeySet:
    """The issuer's RSA keys (the first signs); generated on first start, kept owner-only."""
    if path.exists():
        return KeySet.import_key_set(json.loads(path.read_text()))
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True, auto_kid=True)
    keys = KeySet([key])
    _write_private(path, json.dumps(keys.as_dict(private=True)))
    return keys


def rotate_signing_keys(path: Path, *, keep: int = 2) -> KeySet:
    """Put a new signing key first; the previous ones stay published so live tokens still verify."""
    current = load_signing_keys(path)
    new = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True, auto_kid=True)
    keys = KeySet([new, *current.keys[: keep - 1]])
    _write_private(path, json.dumps(keys.as_dict(private=True)))
    return keys


@dataclass
class Registry:
    accounts: dict[str, Account]
    created: list[str]
    secrets_path: Path

    @classmethod
    def load(cls, registry_path: Path | None, state_dir: Path) -> Registry:
        document = json.loads((registry_path or DEFAULT_REGISTRY).read_text(encoding="utf-8"))
        entries = [(entry, "client") for entry in document.get("clients", [])]
        entries += [(entry, "user") for entry in document.get("users", [])]
        secrets_path = state_dir / "secrets.json"
        stored, created = load_secrets(secrets_path, [entry["name"] for entry, _ in entries])
        accounts = {
            entry["name"]: Account(
                name=entry["name"],
                agency=entry["agency"],
                roles=tuple(entry["roles"]),
                districts=tuple(entry["districts"]),
                scopes=tuple(entry["scopes"]),
                kind=kind,
                secret=stored[entry["name"]],
                description=entry.get("description", ""),
            )
            for entry, kind in entries
        }
        return cls(accounts=accounts, created=created, secrets_path=secrets_path)

    def client(self, name: str) -> Account | None:
        account = self.accounts.get(name)
        return account if account is not None and account.kind == "client" else None

    def user(self, name: str) -> Account | None:
        account = self.accounts.get(name)
        return account if account is not None and account.kind == "user" else None
