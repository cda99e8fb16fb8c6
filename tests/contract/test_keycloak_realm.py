"""The Keycloak realm (deploy/keycloak/child-protection-realm.json) issues the tokens the services verify.

Checked without a Keycloak: every client is a confidential machine client (client credentials only)
whose access tokens are RFC 9068 JWTs (header `typ: at+jwt`) with the backbone's audience, `sub`,
`client_id`, a space-separated `scope` of the backbone's scopes, and the backbone's authorization claims:
`agency` (a string), `roles` (a JSON array of the backbone's roles) and `districts` (a JSON array of
six-digit division codes). tests/integration/identity checks real tokens of a running Keycloak.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from backbone.auth.policy import ROLES, load_policy
from backbone.settings import Settings
from tests.support.keycloak import token_scopes

ROOT = Path(__file__).resolve().parents[2]
REALM_FILE = ROOT / "deploy" / "keycloak" / "child-protection-realm.json"
REALM = json.loads(REALM_FILE.read_text(encoding="utf-8"))
CLIENTS = {client["clientId"]: client for client in REALM["clients"]}
CLIENT_SCOPES = {scope["name"]: scope for scope in REALM["clientScopes"]}

AUDIENCE = Settings.model_fields["auth_audience"].default
# The scopes the access policy asks for: the only ones with meaning for the backbone.
SCOPES = {rule.scope for routes in load_policy().rules.values() for rule in routes.values() if rule.scope}
# The built-in issuer's agency systems, and the extra ones the tests know (another district's).
REGISTRIES = (ROOT / "deploy" / "identity" / "registry.json", ROOT / "tests" / "support" / "identity.json")
# The agency systems the issue names, by (agency, district): each must have a client.
REQUIRED_SYSTEMS = {
    ("hotline_12355", "370700"),
    ("police", "370702"),
    ("police", "370703"),
    ("health", "370702"),
    ("education", "370702"),
    ("civil_affairs", "370702"),
}


def _mappers(client: dict[str, Any]) -> list[dict[str, Any]]:
    """The protocol mappers shaping the client's tokens: its own and those of its default client scopes."""
    mappers = list(client.get("protocolMappers", []))
    for name in client.get("defaultClientScopes", []):
        mappers += CLIENT_SCOPES[name].get("protocolMappers", [])
    return mappers


def _in_access_token(mapper: dict[str, Any]) -> bool:
    return mapper["config"].get("access.token.claim") == "true"


def _hardcoded(client: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Claim name -> (JSON type label, value as the token carries it) of the hardcoded-claim mappers."""
    claims = {}
    for mapper in _mappers(client):
        config = mapper["config"]
        if mapper["protocolMapper"] == "oidc-hardcoded-claim-mapper" and _in_access_token(mapper):
            label = config.get("jsonType.label", "String")
            value = json.loads(config["claim.value"]) if label == "JSON" else config["claim.value"]
            claims[config["claim.name"]] = (label, value)
    return claims


def test_realm_issues_short_lived_tokens() -> None:
    assert REALM["realm"] == "child-protection" and REALM["enabled"] is True
    # Short: a stolen token is useful for minutes; the verifier refuses tokens living over an hour.
    assert 60 <= REALM["accessTokenLifespan"] <= 300
    assert not REALM.get("users"), "the realm has people with passwords: it is a machine-clients realm"
    assert REALM.get("registrationAllowed") is False


@pytest.mark.parametrize("client_id", CLIENTS)
def test_every_client_is_a_confidential_machine_client(client_id: str) -> None:
    client = CLIENTS[client_id]
    assert client["publicClient"] is False and client["clientAuthenticatorType"] == "client-secret"
    assert client["serviceAccountsEnabled"] is True, "client credentials need a service account"
    flows = ("standardFlowEnabled", "implicitFlowEnabled", "directAccessGrantsEnabled")
    assert not any(client[flow] for flow in flows), "client credentials only: no browser flow, no passwords"
    attributes = client["attributes"]
    assert attributes["access.token.header.type.rfc9068"] == "true", "the header must say typ: at+jwt"
    assert attributes.get("client_credentials.use_refresh_token") == "false"
    # Known on purpose (a local and test realm, deploy/keycloak/README.md), and recognisably so.
    assert client["secret"] == f"local-only-{client_id}"


@pytest.mark.parametrize("client_id", CLIENTS)
def test_every_client_token_carries_the_registered_claims(client_id: str) -> None:
    mappers = [m for m in _mappers(CLIENTS[client_id]) if _in_access_token(m)]
    audiences = {
        m["config"]["included.custom.audience"]
        for m in mappers
        if m["protocolMapper"] == "oidc-audience-mapper"
    }
    assert AUDIENCE in audiences, f"aud must contain {AUDIENCE}"
    assert any(m["protocolMapper"] == "oidc-sub-mapper" for m in mappers), "no sub"
    client_ids = [
        m
        for m in mappers
        if m["protocolMapper"] == "oidc-usersessionmodel-note-mapper"
        and m["config"].get("user.session.note") == "client_id"
    ]
    assert [m["config"]["claim.name"] for m in client_ids] == ["client_id"], "no client_id claim"


@pytest.mark.parametrize("client_id", CLIENTS)
def test_every_client_token_carries_the_backbone_claims(client_id: str) -> None:
    claims = _hardcoded(CLIENTS[client_id])
    label, agency = claims["agency"]
    assert label == "String" and re.fullmatch(r"[a-z0-9_]+", agency), f"agency {agency!r}"
    label, roles = claims["roles"]
    assert label == "JSON" and isinstance(roles, list) and roles and set(roles) <= ROLES, f"roles {roles!r}"
    label, districts = claims["districts"]
    assert label == "JSON" and isinstance(districts, list) and districts, f"districts {districts!r}"
    assert all(isinstance(d, str) and re.fullmatch(r"\d{6}", d) for d in districts), f"districts {districts}"


@pytest.mark.parametrize("client_id", CLIENTS)
def test_every_client_is_granted_backbone_scopes(client_id: str) -> None:
    client = CLIENTS[client_id]
    unknown = set(client["defaultClientScopes"]) - CLIENT_SCOPES.keys()
    assert not unknown, f"default client scopes the realm does not define: {sorted(unknown)}"
    scopes = token_scopes(client)
    assert scopes and set(scopes) <= SCOPES, f"scope claim would be {scopes}"
    assert not client.get("optionalClientScopes"), "a client gets its scopes by default, no more on request"


def test_client_scopes_in_the_scope_claim_are_named_like_the_scopes() -> None:
    in_claim = {
        name
        for name, scope in CLIENT_SCOPES.items()
        if scope["attributes"].get("include.in.token.scope") == "true"
    }
    assert in_claim == SCOPES, f"scope-claim client scopes {sorted(in_claim)} != the backbone's scopes"


def test_the_agency_systems_of_the_issue_have_clients() -> None:
    systems = set()
    for client in CLIENTS.values():
        claims = _hardcoded(client)
        systems |= {(claims["agency"][1], district) for district in claims["districts"][1]}
    missing = REQUIRED_SYSTEMS - systems
    assert not missing, f"no client for {sorted(missing)}"


def _registered_clients(path: Path) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["clients"]}


def test_realm_clients_are_the_built_in_issuers_agency_systems() -> None:
    """Keycloak (compose, the Keycloak tests) and the built-in issuer (embedded, the other tests) know the
    same agency systems, saying the same of each."""
    built_in, for_tests = (_registered_clients(path) for path in REGISTRIES)
    missing = built_in.keys() - CLIENTS.keys()
    assert not missing, f"agency systems of {REGISTRIES[0].name} without a Keycloak client: {sorted(missing)}"
    for client_id, client in CLIENTS.items():
        entry = built_in.get(client_id) or for_tests.get(client_id)
        assert entry, f"{client_id} is in neither {REGISTRIES[0].name} nor {REGISTRIES[1].name}"
        claims = {name: value for name, (_, value) in _hardcoded(client).items()}
        assert claims == {key: entry[key] for key in ("agency", "roles", "districts")}, client_id
        assert sorted(token_scopes(client)) == sorted(entry["scopes"]), client_id
