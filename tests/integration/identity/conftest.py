"""The real Keycloak the test command provides (KEYCLOAK_URL), and what only tests add to it.

The realm of deploy/keycloak/child-protection-realm.json is imported at Keycloak's start. Tests that need
a token the services must refuse get it from a client or realm made here through the admin REST API,
each a copy of the police dispatch system of the realm file that differs in one respect only.
"""

from __future__ import annotations

import os

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


def _police_variant(client_id: str) -> dict:
    variant = client_definition(POLICE)
    variant["clientId"] = client_id
    variant["name"] = f"{variant['name']} (test variant)"
    return variant


@pytest.fixture(scope="session")
async def short_lived_police(keycloak: Keycloak) -> dict:
    """The police dispatch system with 15-second tokens."""
    client = _police_variant("test-police-short-lived")
    client["attributes"]["access.token.lifespan"] = "15"
    await keycloak.replace_client(client)
    return client


@pytest.fixture(scope="session")
async def police_for_another_audience(keycloak: Keycloak) -> dict:
    """The police dispatch system, its tokens meant for another resource server (aud: police-records)."""
    client = _police_variant("test-police-records")
    client["defaultClientScopes"].remove("backbone-audience")
    client["protocolMappers"].append(
        {
            "name": "police-records audience",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-audience-mapper",
            "config": {"included.custom.audience": "police-records", "access.token.claim": "true"},
        }
    )
    await keycloak.replace_client(client)
    return client


@pytest.fixture(scope="session")
async def police_reporting_only(keycloak: Keycloak) -> dict:
    """The police dispatch system granted only `reports.submit` (it may report, not work the inbox)."""
    client = _police_variant("test-police-reporting-only")
    client["defaultClientScopes"] = ["basic", "service_account", "backbone-audience", "reports.submit"]
    await keycloak.replace_client(client)
    return client
