"""The issuer's OAuth 2.0 machinery, authlib's authorization server adapted to FastAPI requests.

Client credentials (RFC 6749 §4.4) for agency systems; for people, the password grant (§4.3) through the
public `console` client — acceptable only because this issuer serves the embedded default and tests (a
real deployment's identity platform runs the authorization-code flow). Tokens are RFC 9068 JWTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant, ResourceOwnerPasswordCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet

from backbone.issuer.registry import Account, Registry

CONSOLE_CLIENT = "console"


class _FormRequest(OAuth2Request):
    """A token request whose form FastAPI has already parsed."""

    def __init__(self, method: str, uri: str, headers: Any, form: dict[str, str]) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class _Client(ClientMixin):
    account: Account | None  # None: the public console client people log in through
    scopes: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.account.name if self.account else CONSOLE_CLIENT

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return " ".join(self.scopes)
        return " ".join(s for s in scope.split() if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self.account is not None and self.account.check_secret(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.account is None:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        wanted = "password" if self.account is None else "client_credentials"
        return grant_type == wanted


class _PasswordGrant(ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def authenticate_user(self, username: str, password: str) -> Account | None:
        user = self.server.registry.user(username)
        return user if user is not None and user.check_secret(password) else None


class _TokenGenerator(JWTBearerTokenGenerator):
    def __init__(self, issuer: str, audience: str, keys: KeySet, registry: Registry) -> None:
        super().__init__(issuer=issuer, alg="RS256")
        self._keys, self._audience, self._registry = keys, audience, registry

    def get_jwks(self) -> KeySet:
        # The first key signs; joserfc picks it by kid.
        return KeySet([self._keys.keys[0]])

    def get_audiences(self, client: _Client, user: Account | None, scope: str) -> list[str]:
        return [self._audience]

    def get_extra_claims(self, client: _Client, grant_type: str, user: Account | None, scope: str) -> dict:
        account = user or client.account
        return account.claims() if account else {}


class IssuerServer(AuthorizationServer):
    """Answers the token endpoint from a parsed form; FastAPI does the HTTP."""

    def __init__(
        self, *, issuer: str, audience: str, lifetime_seconds: int, registry: Registry, keys: KeySet
    ):
        super().__init__(scopes_supported=None)
        self.registry = registry
        generator = _TokenGenerator(issuer, audience, keys, registry)
        generator.GRANT_TYPES_EXPIRES_IN = {
            "client_credentials": lifetime_seconds,
            "password": lifetime_seconds,
        }
        self.register_token_generator("default", generator)
        self._generator = generator
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(_PasswordGrant)

    def use_keys(self, keys: KeySet) -> None:
        """After a rotation: the first key signs."""
        self._generator._keys = keys

    def query_client(self, client_id: str) -> _Client | None:
        if client_id == CONSOLE_CLIENT:
            every_scope = {s for a in self.registry.accounts.values() if a.kind == "user" for s in a.scopes}
            return _Client(None, tuple(sorted(every_scope)))
        account = self.registry.client(client_id)
        return _Client(account, account.scopes) if account else None

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        """Self-contained JWTs: nothing to store."""

    def create_oauth2_request(self, request: tuple[str, str, dict, dict]) -> OAuth2Request:
        method, uri, headers, form = request
        if user_scopes := self._user_scopes(form):
            form = {**form, "scope": user_scopes}
        return _FormRequest(method, uri, headers, form)

    def _user_scopes(self, form: dict[str, Any]) -> str | None:
        """A person gets the scopes of their own account, not every user's."""
        if form.get("grant_type") != "password":
            return None
        user = self.registry.user(str(form.get("username", "")))
        if user is None:
            return None
        requested = str(form.get("scope") or "").split() or list(user.scopes)
        return " ".join(s for s in requested if s in user.scopes) or None

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, dict]:
        return status, body, dict(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals."""
