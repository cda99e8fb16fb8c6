"""Verifying RFC 9068 JWT access tokens: keys from the issuer's JWKS, found by OpenID Connect discovery.

authlib's resource-server validator checks the signature, `typ: at+jwt`, issuer, audience, expiry and the
registered claims; this module only supplies its keys (cached, refetched when an unknown key id appears,
so the issuer can rotate) and turns the claims into a `Principal`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from authlib.oauth2.rfc6750.errors import InvalidTokenError
from authlib.oauth2.rfc9068 import JWTBearerTokenValidator
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from backbone.auth.principal import Principal

log = logging.getLogger(__name__)
JwksSource = Callable[[], Awaitable[dict[str, Any]]]


class TokenRejected(Exception):
    """The token is missing, malformed, expired, or not ours: 401."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def discovered_jwks(issuer: str, *, timeout: float = 5.0) -> JwksSource:
    """Fetch the issuer's key set through its OpenID Connect discovery document."""

    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=timeout) as client:
            metadata = await client.get(issuer.rstrip("/") + "/.well-known/openid-configuration")
            metadata.raise_for_status()
            keys = await client.get(metadata.json()["jwks_uri"])
            keys.raise_for_status()
            return keys.json()

    return fetch


class _Validator(JWTBearerTokenValidator):
    def __init__(self, issuer: str, audience: str, keys: KeySet) -> None:
        super().__init__(issuer=issuer, resource_server=audience)
        self._keys = keys

    def get_jwks(self) -> KeySet:
        return self._keys


class TokenVerifier:
    """Verifies bearer tokens of one issuer for one audience."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: JwksSource,
        max_lifetime_seconds: int = 3600,
        jwks_ttl_seconds: float = 600,
        refetch_interval_seconds: float = 2,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self._source = jwks
        self._max_lifetime = max_lifetime_seconds
        self._ttl = jwks_ttl_seconds
        self._refetch_interval = refetch_interval_seconds
        self._keys: dict[str, Any] | None = None
        self._key_set: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> Principal:
        """The principal a valid token names; raises TokenRejected otherwise."""
        try:
            header = extract_compact(token.encode()).protected
        except (JoseError, ValueError):
            raise TokenRejected("the access token is not a signed JWT") from None
        keys = await self._keys_for(header.get("kid"))
        validator = _Validator(self.issuer, self.audience, keys)
        try:
            claims = validator.authenticate_token(token)
            validator.validate_token(claims, scopes=None, request=None)
        except (InvalidTokenError, JoseError, ValueError):
            raise TokenRejected(
                "the access token is invalid, expired, or for another issuer or audience"
            ) from None
        if int(claims["exp"]) - int(claims["iat"]) > self._max_lifetime:
            raise TokenRejected("the access token lives longer than this service accepts")
        try:
            return Principal.from_claims(claims)
        except (KeyError, TypeError):
            raise TokenRejected("the access token lacks a required claim") from None

    async def _keys_for(self, kid: str | None) -> KeySet:
        """The cached key set; fetched again when stale or when it lacks the token's key id (rotation)."""
        async with self._lock:
            now = time.monotonic()
            stale = self._keys is None or now - self._fetched_at > self._ttl
            unknown_kid = kid is not None and not _has_kid(self._keys, kid)
            if stale or (unknown_kid and now - self._fetched_at > self._refetch_interval):
                try:
                    self._keys = await self._source()
                    self._key_set = KeySet.import_key_set(self._keys)
                    self._fetched_at = now
                except Exception as error:  # the issuer is down: keep verifying with the keys we have
                    log.warning("issuer keys could not be fetched", extra={"error": type(error).__name__})
                    if self._key_set is None:
                        raise TokenRejected("the issuer's keys are unavailable") from None
            return self._key_set


def _has_kid(keys: dict[str, Any] | None, kid: str) -> bool:
    return bool(keys) and any(key.get("kid") == kid for key in keys.get("keys", []))
