"""Bearer tokens of a real third-party issuer, Keycloak's child-protection realm (deploy/keycloak).

The police service runs with AUTH_ISSUER naming the realm. The police dispatch system's token works its
district's inbox; a token the service must not trust is answered 401 with a `WWW-Authenticate: Bearer`
challenge (none at all, another issuer, expired, for another audience); a trusted token without the scope
the route needs is answered 403.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.keycloak import AUDIENCE, Keycloak
from tests.support.paging import items
from tests.support.system import running_system
from tests.support.waiting import eventually

pytestmark = pytest.mark.keycloak

INBOX = "/police/v1/referrals"
POLICE = "police-dispatch"


@pytest.fixture
async def police(fresh_database_url: str, keycloak_issuer: str) -> AsyncIterator[RunningAgency]:
    """The police service alone, trusting the Keycloak realm's tokens for the backbone's audience.

    Its client sends no token of its own: each request carries the one the test gives it.
    """
    trust = {"AUTH_ISSUER": keycloak_issuer, "AUTH_AUDIENCE": AUDIENCE}
    async with running_system(fresh_database_url, ["police"], **trust) as (system, _):
        async with httpx.AsyncClient(
            transport=system.callers.transport, base_url="http://backbone"
        ) as client:
            yield RunningAgency("police", system, client)


async def inbox_as(police: RunningAgency, token: str) -> httpx.Response:
    """The police inbox, asked with `token` as the bearer token."""
    return await police.client.get(INBOX, headers={"Authorization": f"Bearer {token}"})


def assert_challenged(response: httpx.Response, *, invalid_token: bool = True) -> None:
    """401 with an RFC 6750 challenge (`error="invalid_token"` when a token was presented)."""
    assert response.status_code == 401, f"{response.status_code} {response.text}"
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), f"WWW-Authenticate: {challenge!r}"
    if invalid_token:
        assert 'error="invalid_token"' in challenge, f"WWW-Authenticate: {challenge!r}"


async def listed(police: RunningAgency, token: str, referral_id: str) -> httpx.Response:
    """The inbox as the token's holder sees it, once it shows `referral_id` (or answers other than 200)."""

    return await eventually(
        lambda: inbox_as(police, token),
        until=lambda r: (
            r.status_code != 200 or any(row["referral_id"] == referral_id for row in r.json()["items"])
        ),
        what=f"{referral_id} in the police inbox",
    )


async def test_police_dispatch_token_lists_the_police_inbox(
    police: RunningAgency, keycloak: Keycloak
) -> None:
    referral = referral_created("police")  # district 370702, the dispatch system's own
    await police.feed(referral)
    response = await listed(police, await keycloak.token(POLICE), referral.referral_id)
    assert response.status_code == 200, response.text
    assert [row["referral_id"] for row in items(response)] == [referral.referral_id]


async def test_police_of_another_district_do_not_see_the_referral(
    police: RunningAgency, keycloak: Keycloak
) -> None:
    referral = referral_created("police")  # district 370702
    await police.feed(referral)
    assert (await listed(police, await keycloak.token(POLICE), referral.referral_id)).status_code == 200
    response = await inbox_as(police, await keycloak.token("police-dispatch-370703"))
    assert response.status_code == 200, response.text
    assert items(response) == []


async def test_request_without_a_token_is_challenged(police: RunningAgency) -> None:
    assert_challenged(await police.client.get(INBOX), invalid_token=False)


async def test_token_of_another_issuer_is_refused(
    police: RunningAgency, keycloak: Keycloak, neighbouring_city: str
) -> None:
    # The same client, claims and audience, but issued (and signed) by another realm.
    token = await keycloak.token(POLICE, realm=neighbouring_city)
    assert_challenged(await inbox_as(police, token))


async def test_expired_token_is_refused(
    police: RunningAgency, keycloak: Keycloak, short_lived_police: dict[str, Any]
) -> None:
    issued = await keycloak.issue(short_lived_police)
    accepted = await inbox_as(police, issued.access_token)
    assert accepted.status_code == 200, f"a fresh token must work: {accepted.status_code} {accepted.text}"
    refused = await eventually(
        lambda: inbox_as(police, issued.access_token),
        until=lambda r: r.status_code != 200,
        within=issued.expires_at - time.time() + 15,
        what="the short-lived token to be refused once it expired",
    )
    # Keycloak's exp is whole seconds from its own clock: at most a second before `expires_at`.
    assert time.time() >= issued.expires_at - 1, "refused before it expired"
    assert_challenged(refused)


async def test_token_for_another_audience_is_refused(
    police: RunningAgency, keycloak: Keycloak, police_for_another_audience: dict[str, Any]
) -> None:
    issued = await keycloak.issue(police_for_another_audience)
    assert_challenged(await inbox_as(police, issued.access_token))


async def test_token_without_the_inbox_scope_is_forbidden(
    police: RunningAgency, keycloak: Keycloak, police_reporting_only: dict[str, Any]
) -> None:
    issued = await keycloak.issue(police_reporting_only)
    assert issued.scope.split() == ["reports.submit"]
    response = await inbox_as(police, issued.access_token)
    assert response.status_code == 403, f"{response.status_code} {response.text}"
