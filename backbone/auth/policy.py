"""The access policy as data (`contracts/policies/access.v1.json`): which caller may call which route.

Every route of every service has a rule keyed `"<METHOD> <path template>"` under its service. A rule
names the action (for the audit trail), the OAuth scope it needs, whether it reads unmasked personal data
(then a purpose is required and the read is recorded), the resource whose facts it is decided on, and a
list of grants; the first grant the caller satisfies allows the call. A grant limits agencies and roles
and may require predicates over the resource's facts:

- `in_district`: the caller's district scope covers the resource's district;
- `addressed_to_caller`: the caller's agency is among the agencies the resource is addressed to;
- `submitted_by_caller`: the caller's client submitted the resource.

On a list route there is no single resource: the same predicates become the filters the service applies
in SQL (`Visibility`), so a caller never pages through rows it may not see. The predicates are generic;
which agency may do what is the policy file's, a city's to change without code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from backbone.auth.principal import Principal, covers
from backbone.auth.throttle import RateLimits, parse_rate_limits

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "contracts" / "policies" / "access.v1.json"
PREDICATES = frozenset({"in_district", "addressed_to_caller", "submitted_by_caller"})
ROLES = frozenset({"system", "officer", "supervisor", "operations"})


@dataclass(frozen=True)
class ResourceFacts:
    """What access decisions need to know of one resource (ids and codes only)."""

    district: str | None = None
    agencies: frozenset[str] = frozenset()
    submitter: str | None = None


@dataclass(frozen=True)
class Grant:
    agencies: frozenset[str] | None
    roles: frozenset[str] | None
    require: tuple[str, ...] = ()
    # what this grant lets its holder do beyond the route's ordinary use (e.g. a supervisor's approval);
    # the service asks `access.may(...)` instead of looking at roles itself
    may: frozenset[str] = frozenset()

    def admits(self, principal: Principal) -> bool:
        """Whether the caller's agency and roles fit, before any resource is looked at."""
        if self.agencies is not None and principal.agency not in self.agencies:
            return False
        return self.roles is None or bool(self.roles & principal.roles)

    def holds_for(self, principal: Principal, facts: ResourceFacts) -> bool:
        for predicate in self.require:
            if predicate == "in_district" and not principal.covers(facts.district):
                return False
            if predicate == "addressed_to_caller" and principal.agency not in facts.agencies:
                return False
            if predicate == "submitted_by_caller" and facts.submitter != principal.client_id:
                return False
        return True


@dataclass(frozen=True)
class Rule:
    action: str
    scope: str | None
    grants: tuple[Grant, ...]
    resource: str | None = None
    personal_data: bool = False
    public: bool = False


@dataclass(frozen=True)
class Visibility:
    """The rows a caller may see on a list route; `None` on a dimension means unrestricted."""

    districts: tuple[str, ...] | None = None
    agency: str | None = None
    submitter: str | None = None

    def allows(self, facts: ResourceFacts) -> bool:
        """The same filter in Python, for the rare list computed outside SQL."""
        if self.districts is not None and not covers(self.districts, facts.district):
            return False
        if self.agency is not None and self.agency not in facts.agencies:
            return False
        return self.submitter is None or self.submitter == facts.submitter


EVERYTHING = Visibility()


@dataclass(frozen=True)
class AccessPolicy:
    version: str
    rules: Mapping[str, Mapping[str, Rule]] = field(default_factory=dict)
    rate_limits: RateLimits = field(default_factory=lambda: parse_rate_limits(None))

    def rule(self, service: str, method: str, path: str) -> Rule | None:
        return self.rules.get(service, {}).get(f"{method} {path}")

    def visibility(self, rule: Rule, principal: Principal) -> Visibility | None:
        """What a list route shows this caller: the first grant it satisfies, as filters; None: nothing."""
        for grant in rule.grants:
            if grant.admits(principal):
                return Visibility(
                    districts=principal.districts if "in_district" in grant.require else None,
                    agency=principal.agency if "addressed_to_caller" in grant.require else None,
                    submitter=principal.client_id if "submitted_by_caller" in grant.require else None,
                )
        return None

    def granting(self, rule: Rule, principal: Principal, facts: ResourceFacts | None) -> Grant | None:
        """The first grant admitting the caller (on this resource, when the rule has one), or None."""
        for grant in rule.grants:
            if grant.admits(principal) and (facts is None or grant.holds_for(principal, facts)):
                return grant
        return None

    def allows(self, rule: Rule, principal: Principal, facts: ResourceFacts | None) -> bool:
        return self.granting(rule, principal, facts) is not None


def parse_policy(document: Mapping[str, Any]) -> AccessPolicy:
    """Check and compile a policy document; a mistake in it fails start-up, naming where."""
    groups: Mapping[str, Sequence[str]] = document.get("groups", {})

    def names(value: Any, where: str) -> frozenset[str] | None:
        if value is None:
            return None
        items = value if isinstance(value, list) else [value]
        expanded: set[str] = set()
        for item in items:
            if isinstance(item, str) and item.startswith("@"):
                if item[1:] not in groups:
                    raise ValueError(f"{where}: unknown group {item}")
                expanded.update(groups[item[1:]])
            else:
                expanded.add(str(item))
        return frozenset(expanded)

    rules: dict[str, dict[str, Rule]] = {}
    for service, routes in document["routes"].items():
        for key, spec in routes.items():
            where = f"{service} {key}"
            grants = []
            for grant in spec.get("allow", []):
                require = tuple(grant.get("require", []))
                if unknown := set(require) - PREDICATES:
                    raise ValueError(f"{where}: unknown predicates {sorted(unknown)}")
                roles = names(grant.get("roles"), where)
                if roles is not None and (unknown := roles - ROLES):
                    raise ValueError(f"{where}: unknown roles {sorted(unknown)}")
                may = frozenset(grant.get("may", []))
                grants.append(Grant(names(grant.get("agencies"), where), roles, require, may))
            if not spec.get("public") and not spec.get("scope"):
                raise ValueError(f"{where}: a protected route names the scope it needs")
            rules.setdefault(service, {})[key] = Rule(
                action=spec.get("action", key),
                scope=spec.get("scope"),
                grants=tuple(grants),
                resource=spec.get("resource"),
                personal_data=bool(spec.get("personal_data", False)),
                public=bool(spec.get("public", False)),
            )
    rate_limits = parse_rate_limits(document.get("rate_limits"))
    for service, limited in rate_limits.routes.items():
        for key in limited:
            if key not in rules.get(service, {}):
                raise ValueError(f"rate_limits {service} {key}: no such route in the policy")
    return AccessPolicy(version=document["version"], rules=rules, rate_limits=rate_limits)


@lru_cache
def load_policy(path: str | None = None) -> AccessPolicy:
    """The policy a city ships (ACCESS_POLICY_PATH), or the project's default."""
    return parse_policy(json.loads(Path(path or DEFAULT_POLICY).read_text(encoding="utf-8")))


def district_filter(column: Any, visibility: Visibility) -> Any:
    """A SQL condition keeping rows whose district the visibility covers (TRUE when unrestricted)."""
    from sqlalchemy import false, or_, true

    from backbone.auth.principal import district_prefix

    if visibility.districts is None:
        return true()
    if not visibility.districts:
        return false()
    return or_(*(column.like(f"{district_prefix(code)}%") for code in visibility.districts))
