"""The one place every request is authenticated and authorized, before any view runs.

The runtime installs `authorize` as a dependency of every service's app. It finds the route's rule in
the access policy (no rule: refused, so a new route is closed until the policy names who may call it),
verifies the bearer token, checks the scope, loads the facts of the resource the rule is decided on (via
the service's resource loaders), and leaves the outcome on `request.state.access` for the unit of work
(audit) and for list queries (`Visibility`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.auth.policy import AccessPolicy, ResourceFacts, Rule, Visibility
from backbone.auth.principal import Principal
from backbone.auth.throttle import Throttle, caller_key
from backbone.auth.tokens import TokenRejected, TokenVerifier

ResourceLoader = Callable[[AsyncSession, Mapping[str, str]], Awaitable[ResourceFacts | None]]
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Access:
    """What the guard decided for one request."""

    rule: Rule
    principal: Principal | None
    visibility: Visibility | None = None
    facts: ResourceFacts | None = None
    method: str = "GET"
    route: str = ""
    resource_ids: Mapping[str, str] | None = None
    permissions: frozenset[str] = frozenset()

    def may(self, permission: str) -> bool:
        """Whether the policy's grant for this call includes a named permission (`may` in the file)."""
        return permission in self.permissions

    @property
    def changes_state(self) -> bool:
        """Audited with its effects, in the unit of work's transaction."""
        return self.principal is not None and self.method in STATE_CHANGING

    def caller(self) -> Principal:
        if self.principal is None:
            raise RuntimeError("a public route has no caller")
        return self.principal


@dataclass
class Authenticator:
    """A process's verifier and policy (one issuer, one audience, one policy for all its services)."""

    verifier: TokenVerifier
    policy: AccessPolicy
    realm: str = "child-protection"
    throttle: Throttle = field(init=False)

    def __post_init__(self) -> None:
        self.throttle = Throttle(self.policy.rate_limits)


def _unauthorized(realm: str, description: str, error: str | None = "invalid_token") -> HTTPException:
    challenge = f'Bearer realm="{realm}"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    return HTTPException(401, detail=description, headers={"WWW-Authenticate": challenge})


def _forbidden(realm: str, description: str, scope: str | None = None) -> HTTPException:
    headers = None
    if scope:
        headers = {"WWW-Authenticate": f'Bearer realm="{realm}", error="insufficient_scope", scope="{scope}"'}
    return HTTPException(403, detail=description, headers=headers)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


BEARER = HTTPBearer(auto_error=False, description="An OAuth 2.0 access token (RFC 9068 JWT) from the issuer")


async def authorize(request: Request, _: HTTPAuthorizationCredentials | None = Security(BEARER)) -> Access:
    """FastAPI dependency on every route: 401 without a valid token, 403 when the policy refuses, 429
    when the caller is over its rate limit (counted before anything is looked up for it)."""
    system = request.app.state.system
    service = request.app.state.service_name
    auth: Authenticator = system.auth
    route = request.scope["route"].path
    rule = auth.policy.rule(service, request.method, route) or auth.policy.rule("*", request.method, route)
    if rule is None:
        raise _forbidden(auth.realm, "no access rule names this route; it is closed")

    async def admit(client_id: str | None) -> None:
        peer = request.client.host if request.client else None
        key = caller_key(client_id=client_id, peer=peer)
        await auth.throttle.admit(service=service, route_key=f"{request.method} {route}", caller=key)

    if rule.public:
        await admit(None)
        access = Access(rule=rule, principal=None, method=request.method, route=route)
        request.state.access = access
        return access
    token = bearer_token(request)
    if token is None:
        await admit(None)
        raise _unauthorized(auth.realm, "a bearer access token is required", error=None)
    try:
        principal = await auth.verifier.verify(token)
    except TokenRejected as rejected:
        await admit(None)
        raise _unauthorized(auth.realm, rejected.description) from None
    await admit(principal.client_id)
    if rule.scope not in principal.scopes:
        raise _forbidden(auth.realm, f"the token lacks the scope {rule.scope}", scope=rule.scope)
    params: dict[str, Any] = dict(request.path_params)
    facts: ResourceFacts | None = None
    visibility: Visibility | None = None
    permissions: frozenset[str] = frozenset()
    if rule.resource:
        facts = await _load_facts(system.runtime(service), rule.resource, params)
        if facts is None:
            raise HTTPException(404, detail=f"no {rule.resource} with this id")
        grant = auth.policy.granting(rule, principal, facts)
        if grant is None:
            raise _forbidden(auth.realm, f"the access policy refuses this caller: {rule.action}")
        permissions = grant.may
    else:
        visibility = auth.policy.visibility(rule, principal)
        if visibility is None:
            raise _forbidden(auth.realm, f"the access policy refuses this caller: {rule.action}")
    purpose = request.query_params.get("purpose")
    if rule.personal_data and not purpose:
        detail = [{"type": "missing", "loc": ["query", "purpose"], "msg": "say why personal data is read"}]
        raise HTTPException(422, detail=detail)
    access = Access(
        rule=rule,
        principal=principal,
        visibility=visibility,
        facts=facts,
        method=request.method,
        route=route,
        resource_ids={k: str(v) for k, v in params.items()},
        permissions=permissions,
    )
    request.state.access = access
    if rule.personal_data:
        await system.record_read(service, access, purpose=purpose)
    return access


async def _load_facts(runtime: Any, resource: str, params: Mapping[str, str]) -> ResourceFacts | None:
    loader: ResourceLoader | None = runtime.definition.resources.get(resource)
    if loader is None:
        raise RuntimeError(f"{runtime.name} declares no loader for resource {resource!r}")
    async with runtime.sessionmaker() as session:
        return await loader(session, params)


def _access(request: Request) -> Access:
    return request.state.access


async def current_access(request: Request) -> Access:
    """FastAPI dependency for views: the guard's decision (caller, visibility)."""
    return _access(request)


async def caller(request: Request) -> Principal:
    """FastAPI dependency for views that record who acted."""
    return _access(request).caller()


async def optional_caller(request: Request) -> Principal | None:
    """FastAPI dependency for views a policy may make public: who acted, None on a public route."""
    return _access(request).principal


async def visibility(request: Request) -> Visibility:
    """FastAPI dependency for list views: the filters the caller's grant imposes."""
    access = _access(request)
    return access.visibility or Visibility()
