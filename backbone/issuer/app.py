"""The built-in issuer as a small ASGI app: token endpoint, discovery document and published keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from joserfc.jwk import KeySet

from backbone.issuer.registry import Registry, load_signing_keys, rotate_signing_keys
from backbone.issuer.server import IssuerServer
from backbone.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class BuiltinIssuer:
    """The issuer's state: whom it knows, its keys, and the authlib server issuing tokens."""

    url: str
    registry: Registry
    keys: KeySet
    server: IssuerServer
    keys_path: Path

    @classmethod
    def start(
        cls, *, url: str, audience: str, state_dir: Path, registry_path: Path | None, lifetime_seconds: int
    ) -> BuiltinIssuer:
        registry = Registry.load(registry_path, state_dir)
        keys_path = state_dir / "signing-keys.json"
        keys = load_signing_keys(keys_path)
        server = IssuerServer(
            issuer=url, audience=audience, lifetime_seconds=lifetime_seconds, registry=registry, keys=keys
        )
        if registry.created:
            log.info(
                "built-in issuer registered new accounts; their secrets are in the owner-only file",
                extra={"accounts": len(registry.created), "secrets_file": str(registry.secrets_path)},
            )
        return cls(url=url, registry=registry, keys=keys, server=server, keys_path=keys_path)

    @classmethod
    def from_settings(cls, settings: Settings) -> BuiltinIssuer:
        """The issuer at `settings.issuer_url`, its secrets and keys in <BACKBONE_DATA_DIR>/identity."""
        return cls.start(
            url=settings.issuer_url,
            audience=settings.auth_audience,
            state_dir=settings.data_dir / "identity",
            registry_path=settings.identity_registry_path,
            lifetime_seconds=settings.identity_token_lifetime_seconds,
        )

    def rotate_keys(self) -> None:
        """Sign with a new key from now on; the previous one stays published for live tokens."""
        self.keys = rotate_signing_keys(self.keys_path)
        self.server.use_keys(self.keys)

    def public_jwks(self) -> dict[str, Any]:
        return self.keys.as_dict(private=False)

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks.json",
            "grant_types_supported": ["client_credentials", "password"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "response_types_supported": [],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": sorted({s for a in self.registry.accounts.values() for s in a.scopes}),
        }


def issuer_app(issuer: BuiltinIssuer) -> FastAPI:
    """Mounted at `/issuer` by the embedded system and by the standalone issuer process."""
    app = FastAPI(title="Built-in issuer (embedded default and tests)", docs_url=None, redoc_url=None)

    @app.post("/token", include_in_schema=False)
    async def token(request: Request) -> JSONResponse:
        if (
            request.headers.get("content-type", "").split(";")[0].strip()
            != "application/x-www-form-urlencoded"
        ):
            return JSONResponse({"error": "invalid_request", "error_description": "send a form"}, 400)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        # The configured endpoint, not the Host header: authlib refuses plain HTTP unless it is loopback.
        status, body, headers = issuer.server.create_token_response(
            (request.method, f"{issuer.url}/token", request.headers, form)
        )
        return JSONResponse(body, status, headers={**headers, "Cache-Control": "no-store"})

    @app.get("/.well-known/openid-configuration", include_in_schema=False)
    @app.get("/.well-known/oauth-authorization-server", include_in_schema=False)
    async def metadata() -> dict[str, Any]:
        return issuer.metadata()

    @app.get("/jwks.json", include_in_schema=False)
    async def jwks() -> dict[str, Any]:
        return issuer.public_jwks()

    return app


def standalone_app(settings: Settings) -> FastAPI:
    """The issuer alone (`backbone.issuer.main`): `/issuer/...` plus the probes, for distributed mode."""
    issuer = BuiltinIssuer.from_settings(settings)
    root = FastAPI(title="Built-in issuer", docs_url=None, redoc_url=None, openapi_url=None)
    root.mount("/issuer", issuer_app(issuer))

    @root.get("/healthz", include_in_schema=False)
    @root.get("/readyz", include_in_schema=False)
    async def probe() -> dict[str, str]:
        # Its keys and accounts are loaded before the app exists: serving means ready.
        return {"status": "ok", "issuer": issuer.url}

    return root
