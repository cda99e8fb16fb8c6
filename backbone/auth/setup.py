"""Building a process's authenticator: an external issuer (AUTH_ISSUER) or the built-in one."""

from __future__ import annotations

from typing import Any

from backbone.auth.guard import Authenticator
from backbone.auth.policy import load_policy
from backbone.auth.tokens import TokenVerifier, discovered_jwks
from backbone.issuer.app import BuiltinIssuer
from backbone.settings import Settings


def build_authentication(settings: Settings) -> tuple[Authenticator, BuiltinIssuer | None]:
    """The verifier and policy; with no AUTH_ISSUER, the built-in issuer this process also serves."""
    issuer: BuiltinIssuer | None = None
    if settings.auth_issuer:
        jwks = discovered_jwks(settings.issuer_url)
    else:
        issuer = BuiltinIssuer.from_settings(settings)
        built_in = issuer

        async def jwks() -> dict[str, Any]:
            return built_in.public_jwks()

    verifier = TokenVerifier(
        issuer=settings.issuer_url,
        audience=settings.auth_audience,
        jwks=jwks,
        max_lifetime_seconds=settings.auth_max_token_lifetime_seconds,
    )
    return Authenticator(verifier=verifier, policy=load_policy(settings.access_policy_path)), issuer
