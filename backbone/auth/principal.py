"""The caller behind a verified access token: its agency, roles, district scope and granted scopes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def district_prefix(code: str) -> str:
    """The prefix a division code covers: a county code itself, a city its counties, a province its cities.

    GB/T 2260 codes are six digits, two per level; trailing `00` pairs mean "every division below".
    """
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def covers(scope: Iterable[str], district: str | None) -> bool:
    """Whether a district scope (division codes) includes a case's district."""
    if not district:
        return False
    return any(district.startswith(district_prefix(code)) for code in scope)


@dataclass(frozen=True)
class Principal:
    """A verified caller. Ids only: nothing here is personal data of a child or reporter."""

    subject: str
    client_id: str
    agency: str
    roles: frozenset[str]
    districts: tuple[str, ...]
    scopes: frozenset[str]
    token_id: str

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Read the backbone's claims (`agency`, `roles`, `districts`) beside RFC 9068's registered ones."""
        roles = claims.get("roles") or []
        districts = claims.get("districts") or []
        if isinstance(roles, str):
            roles = roles.split()
        if isinstance(districts, str):
            districts = districts.split()
        return cls(
            subject=str(claims["sub"]),
            client_id=str(claims["client_id"]),
            agency=str(claims.get("agency") or ""),
            roles=frozenset(str(r) for r in roles),
            districts=tuple(str(d) for d in districts),
            scopes=frozenset(str(claims.get("scope") or "").split()),
            token_id=str(claims["jti"]),
        )

    def covers(self, district: str | None) -> bool:
        return covers(self.districts, district)

    @property
    def role(self) -> str:
        """The most privileged role, for audit records (a principal normally has one)."""
        for role in ("operations", "supervisor", "officer", "system"):
            if role in self.roles:
                return role
        return next(iter(sorted(self.roles)), "")
