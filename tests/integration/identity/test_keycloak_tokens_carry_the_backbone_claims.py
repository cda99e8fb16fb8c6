"""Every client of the Keycloak realm gets tokens the backbone's verifier accepts, saying what the realm
file says of it: RFC 9068 header, `client_id`, space-separated `scope`, and `agency` as a string, `roles`
and `districts` as JSON arrays (not strings the verifier would have to split)."""

from __future__ import annotations

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from backbone.auth.tokens import TokenVerifier, discovered_jwks
from tests.support.keycloak import (
    AUDIENCE,
    Keycloak,
    client_definition,
    hardcoded_claim,
    realm_definition,
    token_scopes,
)

pytestmark = pytest.mark.keycloak

CLIENT_IDS = [client["clientId"] for client in realm_definition()["clients"]]


@pytest.fixture(scope="session")
def verifier(keycloak_issuer: str) -> TokenVerifier:
    """The verifier a service builds for AUTH_ISSUER=<the realm>: keys through OpenID Connect discovery."""
    return TokenVerifier(issuer=keycloak_issuer, audience=AUDIENCE, jwks=discovered_jwks(keycloak_issuer))


@pytest.fixture(scope="session")
async def realm_keys(keycloak_issuer: str) -> KeySet:
    return KeySet.import_key_set(await discovered_jwks(keycloak_issuer)())


@pytest.mark.parametrize("client_id", CLIENT_IDS)
async def test_the_backbone_verifies_the_clients_token_and_reads_its_claims(
    keycloak: Keycloak, verifier: TokenVerifier, realm_keys: KeySet, client_id: str
) -> None:
    client = client_definition(client_id)
    issued = await keycloak.issue(client_id)
    header = extract_compact(issued.access_token.encode()).protected
    assert (header["typ"], header["alg"]) == ("at+jwt", "RS256")

    principal = await verifier.verify(issued.access_token)
    assert principal.client_id == client_id
    assert principal.agency == hardcoded_claim(client, "agency")
    assert principal.roles == frozenset(hardcoded_claim(client, "roles"))
    assert principal.districts == tuple(hardcoded_claim(client, "districts"))
    assert principal.scopes == token_scopes(client)

    claims = jwt.decode(issued.access_token, realm_keys).claims
    assert isinstance(claims["agency"], str)
    assert isinstance(claims["roles"], list) and isinstance(claims["districts"], list)
    assert isinstance(claims["scope"], str) and set(claims["scope"].split()) == principal.scopes
    assert AUDIENCE in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    assert claims["exp"] - claims["iat"] == realm_definition()["accessTokenLifespan"]
    assert all(claims.get(name) for name in ("iss", "sub", "jti"))
