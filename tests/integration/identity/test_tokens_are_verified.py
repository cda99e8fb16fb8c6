"""Tokens are checked for signature, type, issuer, audience, expiry, lifetime and scope."""

import time
import uuid
from collections.abc import AsyncIterator

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.integration.identity.conftest import Seeded
from tests.support.journeys import Journey
from tests.support.system import running_system
from tests.support.waiting import eventually

INBOX = "/police/v1/referrals"


@pytest.fixture
async def seeded(fresh_database_url: str) -> AsyncIterator[Seeded]:
    """The police service alone: no case is needed to check tokens."""
    async with running_system(fresh_database_url, ["police"]) as (system, client):
        yield Seeded(system, Journey(client, "embedded", system.callers), {})


def _claims(seeded: Seeded, **changes: object) -> dict:
    now = int(time.time())
    claims = {
        "iss": seeded.system.settings.issuer_url,
        "aud": [seeded.system.settings.auth_audience],
        "sub": "police-dispatch",
        "client_id": "police-dispatch",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "scope": "referrals.read referrals.act",
        "agency": "police",
        "roles": ["system"],
        "districts": ["370702"],
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict, key: RSAKey | None = None, *, seeded: Seeded, typ: str = "at+jwt") -> str:
    signing = key or seeded.system.issuer.keys.keys[0]
    return jwt.encode({"alg": "RS256", "typ": typ, "kid": signing.kid}, claims, signing)


async def _status(seeded: Seeded, token: str) -> tuple[int, str]:
    async with seeded.anonymous() as client:
        answer = await client.get(INBOX, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.headers.get("www-authenticate", "")


async def test_a_well_formed_token_of_the_issuer_is_accepted(seeded: Seeded) -> None:
    assert (await _status(seeded, _sign(_claims(seeded), seeded=seeded)))[0] == 200


async def test_forged_expired_foreign_and_overlong_tokens_are_refused(seeded: Seeded) -> None:
    now = int(time.time())
    stranger = RSAKey.generate_key(2048, parameters={"alg": "RS256"}, private=True, auto_kid=True)
    refused = {
        "signed by another key": _sign(_claims(seeded), stranger, seeded=seeded),
        "expired": _sign(_claims(seeded, iat=now - 900, exp=now - 600), seeded=seeded),
        "another issuer": _sign(_claims(seeded, iss="https://elsewhere.example/realms/x"), seeded=seeded),
        "another audience": _sign(_claims(seeded, aud=["some-other-api"]), seeded=seeded),
        "lives a day": _sign(_claims(seeded, exp=now + 86400), seeded=seeded),
        "not an access token": _sign(_claims(seeded), seeded=seeded, typ="JWT"),
        "no client_id": _sign(_claims(seeded, client_id=None), seeded=seeded),
    }
    for why, token in refused.items():
        status, challenge = await _status(seeded, token)
        assert status == 401, why
        assert 'error="invalid_token"' in challenge, why


async def test_a_valid_token_without_the_scope_is_forbidden(seeded: Seeded) -> None:
    status, challenge = await _status(seeded, _sign(_claims(seeded, scope="reports.read"), seeded=seeded))
    assert status == 403
    assert 'error="insufficient_scope"' in challenge and 'scope="referrals.read"' in challenge


async def test_rotated_keys_keep_old_tokens_and_accept_new_ones(seeded: Seeded) -> None:
    old = _sign(_claims(seeded), seeded=seeded)
    assert (await _status(seeded, old))[0] == 200
    seeded.system.issuer.rotate_keys()
    new = await seeded.system.callers.token("police-dispatch", scope="referrals.read")
    assert (await _status(seeded, old))[0] == 200
    await eventually(lambda: _status(seeded, new), until=lambda s: s[0] == 200, what="new key fetched")
