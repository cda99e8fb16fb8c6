"""A real Keycloak as the issuer of access tokens: the realm of deploy/keycloak, client-credentials tokens,
and the admin REST API for what only tests need (a client that differs in one respect, a second realm).

The realm file is the source of the clients' definitions and secrets (known secrets: a local and test
realm only), so a test names a client and never repeats a secret.
"""

from __future__ import annotations

import contextlib
import copy
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx

REALM_FILE = Path(__file__).resolve().parents[2] / "deploy" / "keycloak" / "child-protection-realm.json"
REALM = "child-protection"
AUDIENCE = "child-protection-backbone"
TIMEOUT = httpx.Timeout(30.0)


@cache
def _realm_file() -> dict[str, Any]:
    return json.loads(REALM_FILE.read_text(encoding="utf-8"))


def realm_definition(name: str = REALM) -> dict[str, Any]:
    """The realm file's realm (a copy), renamed when asked: the same clients under another issuer."""
    definition = copy.deepcopy(_realm_file())
    definition["realm"] = name
    return definition


def client_definition(client_id: str) -> dict[str, Any]:
    """A client of the realm file (a copy)."""
    for client in _realm_file()["clients"]:
        if client["clientId"] == client_id:
            return copy.deepcopy(client)
    raise KeyError(f"no client {client_id!r} in {REALM_FILE.name}")


def hardcoded_claim(client: dict[str, Any], claim: str) -> Any:
    """The value a client's hardcoded-claim mapper puts in its tokens (JSON-typed values decoded)."""
    for mapper in client.get("protocolMappers", []):
        config = mapper["config"]
        if mapper["protocolMapper"] == "oidc-hardcoded-claim-mapper" and config["claim.name"] == claim:
            value = config["claim.value"]
            return json.loads(value) if config.get("jsonType.label") == "JSON" else value
    raise KeyError(f"client {client['clientId']} has no hardcoded {claim!r} claim")


def token_scopes(client: dict[str, Any]) -> set[str]:
    """The scopes a client's tokens carry in `scope`: its default client scopes included in the claim."""
    included = {
        scope["name"]
        for scope in _realm_file()["clientScopes"]
        if scope["attributes"].get("include.in.token.scope") == "true"
    }
    return set(client.get("defaultClientScopes", [])) & included


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_at: float  # time.time() by which the issuer says the token has expired
    scope: str


@dataclass(frozen=True)
class Keycloak:
    """A running Keycloak: `base_url` like http://127.0.0.1:18080, with its master realm's administrator."""

    base_url: str
    admin_user: str
    admin_password: str

    def issuer(self, realm: str = REALM) -> str:
        return f"{self.base_url.rstrip('/')}/realms/{realm}"

    async def issue(self, client: str | dict[str, Any], *, realm: str = REALM) -> IssuedToken:
        """A client-credentials token of a client: one of the realm file by id, or a definition made here."""
        definition = client_definition(client) if isinstance(client, str) else client
        client_id, secret = definition["clientId"], definition["secret"]
        requested = time.time()
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            response = await http.post(
                f"{self.issuer(realm)}/protocol/openid-connect/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
        assert response.status_code == 200, f"{client_id}@{realm}: {response.status_code} {response.text}"
        body = response.json()
        return IssuedToken(body["access_token"], requested + body["expires_in"], body.get("scope", ""))

    async def token(self, client_id: str, *, realm: str = REALM) -> str:
        """A client-credentials access token of a client of the realm file."""
        return (await self.issue(client_id, realm=realm)).access_token

    @contextlib.asynccontextmanager
    async def _admin(self) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client signed in as the master realm's administrator, for `/admin/realms/...`."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=TIMEOUT) as admin:
            response = await admin.post(
                "/realms/master/protocol/openid-connect/token",
                data={
                    "grant_type": "password",
                    "client_id": "admin-cli",
                    "username": self.admin_user,
                    "password": self.admin_password,
                },
            )
            assert response.status_code == 200, (
                f"Keycloak's administrator could not sign in ({response.status_code}): set "
                "KEYCLOAK_ADMIN_USER and KEYCLOAK_ADMIN_PASSWORD to the Keycloak's bootstrap administrator"
            )
            admin.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
            yield admin

    async def ensure_realm(self, definition: dict[str, Any]) -> None:
        """Create a realm from its full definition unless one of that name exists."""
        async with self._admin() as admin:
            if (await admin.get(f"/admin/realms/{definition['realm']}")).status_code == 200:
                return
            response = await admin.post("/admin/realms", json=definition)
            assert response.status_code in (201, 409), (
                f"creating realm: {response.status_code} {response.text}"
            )

    async def replace_client(self, definition: dict[str, Any], *, realm: str = REALM) -> None:
        """Create a client, replacing one of the same clientId (so it is exactly `definition`)."""
        async with self._admin() as admin:
            found = await admin.get(
                f"/admin/realms/{realm}/clients", params={"clientId": definition["clientId"]}
            )
            assert found.status_code == 200, found.text
            for existing in found.json():
                deleted = await admin.delete(f"/admin/realms/{realm}/clients/{existing['id']}")
                assert deleted.status_code == 204, deleted.text
            response = await admin.post(f"/admin/realms/{realm}/clients", json=definition)
            assert response.status_code == 201, f"creating client: {response.status_code} {response.text}"
