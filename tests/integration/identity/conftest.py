"""The real Keycloak the test command provides (KEYCLOAK_URL), and what only tests add to it.

The realm of deploy/keycloak/child-protection-realm.json is imported at Keycloak's start. Tests that need
a token the services must refuse get it from a client or realm made here through the admin REST API,
each a copy of the police dispatch system of the realm file that differs in one respect only.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.support.environment import required_env
from tests.support.keycloak import Keycloak, client_definition, realm_definition

POLICE = "police-dispatch"


@pytest.fixture(scope="session")
def keycloak() -> Keycloak:
    """The Keycloak the test command started (deploy/local/keycloak.sh) or was given."""
    return Keycloak(
        base_url=required_env("KEYCLOAK_URL"),
        admin_user=os.environ.get("KEYCLOAK_ADMIN_USER", "admin"),
        admin_password=os.environ.get("KEYCLOAK_ADMIN_PASSWORD", "admin"),
    )


@pytest.fixture(scope="session")
def keycloak_issuer(keycloak: Keycloak) -> str:
    """The issuer of the child-protection realm: what AUTH_ISSUER names."""
    return keycloak.issuer()


@pytest.fixture(scope="session")
async def neighbouring_city(keycloak: Keycloak) -> str:
    """A second realm with the very same clients and secrets: the same tokens, from another issuer."""
    definition = realm_definition("neighbouring-city")
    await keycloak.ensure_realm(definition)
    return definition["realm"]


async def _police_variant(
    keycloak: Keycloak,
    client_id: str,
    *,
    attributes: dict[str, str] | None = None,
    scopes: list[str] | None = None,
    mappers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The realm file's police dispatch system under another id, changed as given, made in Keycloak."""
    client = client_definition(POLICE)
    client["clientId"] = client_id
    client["name"] += " (test variant)"
    client["attributes"].update(attributes or {})
    if scopes is not None:
        client["defaultClientScopes"] = scopes
    client["protocolMappers"] += mappers or []
    await keycloak.replace_client(client)
    return client


@pytest.fixture(scope="session")
async def short_lived_police(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system with 15-second tokens."""
    return await _police_variant(
        keycloak, "test-police-short-lived", attributes={"access.token.lifespan": "15"}
    )


@pytest.fixture(scope="session")
async def police_for_another_audience(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system, its tokens meant for another resource server (aud: police-records)."""
    audience = {
        "name": "police-records audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.custom.audience": "police-records", "access.token.claim": "true"},
    }
    scopes = [s for s in client_definition(POLICE)["defaultClientScopes"] if s != "backbone-audience"]
    return await _police_variant(keycloak, "test-police-records", scopes=scopes, mappers=[audience])


@pytest.fixture(scope="session")
async def police_reporting_only(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system granted only `reports.submit` (it may report, not work the inbox)."""
    scopes = ["basic", "service_account", "backbone-audience", "reports.submit"]
    return await _police_variant(keycloak, "test-police-reporting-only", scopes=scopes)
