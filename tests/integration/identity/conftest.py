"""Identity tests' systems: all six services with a routed P1 case (the built-in issuer), and the real
Keycloak the test command provides (KEYCLOAK_URL) with what only tests add to it.

The realm of deploy/keycloak/child-protection-realm.json is imported at Keycloak's start. Tests that need
a token the services must refuse get it from a client or realm made here through the admin REST API,
each a copy of the police dispatch system of the realm file that differs in one respect only.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backbone.system import System
from tests.support.environment import required_env
from tests.support.journeys import Journey, born_years_ago, report_body, synthetic_resident_id
from tests.support.keycloak import Keycloak, client_definition, realm_definition
from tests.support.system import running_system
from tests.support.waiting import eventually

AGENCY_SERVICES = ("police", "health", "education", "civil_affairs")


@dataclass
class Seeded:
    """A running system with one routed P1 case, and the ids a caller could name."""

    system: System
    journey: Journey
    ids: dict[str, str]

    def anonymous(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.system.callers.transport, base_url="http://backbone")

    def as_(self, account: str) -> httpx.AsyncClient:
        return self.system.callers.client(account)

    def url(self, service: str, path: str, referral_ids: dict[str, str] | None = None) -> str:
        """The route's template with the seeded ids filled in (the agency's own referral for an agency)."""
        ids = dict(self.ids)
        if service in AGENCY_SERVICES:
            ids["referral_id"] = self.ids[f"{service}.referral_id"]
        elif service == "routing":
            # withdrawing takes a responsible referral under another agency's lead; a transfer, a lead one
            ids["referral_id"] = self.ids[
                "routing.lead.referral_id" if "lead-transfers" in path else "routing.responsible.referral_id"
            ]
        return f"/{service}" + re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "unknown"), path)


def p1_report() -> dict[str, Any]:
    born = born_years_ago(9)
    return report_body(
        source="school",
        categories=["abuse"],
        injured=True,
        offender="parent",
        immediate_danger=True,
        child={
            "name": "测试儿童",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=777),
            "gender": "male",
        },
    )


@pytest.fixture
async def seeded(fresh_database_url: str, fake_clock) -> AsyncIterator[Seeded]:
    """Time stands still (no deadline fires while the matrix runs)."""
    # Webhook targets on loopback: the seeded subscription's deliveries fail (nobody listens) and wait.
    async with running_system(fresh_database_url, WEBHOOK_ALLOW_LOOPBACK=True) as (system, client):
        journey = Journey(client, "embedded", system.callers)
        accepted = await journey.report(p1_report())
        case = await journey.routed(accepted["case_id"], referrals=10)
        ids = {
            "case_id": case["case_id"],
            "report_id": accepted["report_id"],
            "child_id": accepted["child_id"],
            "clock_id": (await journey.clocks(case_id=case["case_id"]))[0]["id"],
        }
        for agency in AGENCY_SERVICES:
            referrals = [r for r in case["referrals"] if r["agency"] == agency]
            lead = [r for r in referrals if r["role"] == "lead"] or referrals
            await journey.in_inbox(agency, lead[0]["referral_id"])
            ids[f"{agency}.referral_id"] = lead[0]["referral_id"]
        await _seed_lifecycle(journey, case["referrals"], ids)
        yield Seeded(system, journey, ids)


async def _seed_lifecycle(journey: Journey, referrals: list[dict[str, Any]], ids: dict[str, str]) -> None:
    """Ids for the routes on lifecycle records: a subscription and one of its deliveries, a lead
    transfer, a supervisor's approval request (each route's refused callers must meet a 403, not a 404)."""
    leads = {r["task"]: r["agency"] for r in referrals if r["role"] == "lead"}
    responsible = next(
        r
        for r in referrals
        if r["role"] == "responsible" and r["agency"] == "police" and leads.get(r["task"]) == "civil_affairs"
    )
    ids["routing.responsible.referral_id"] = responsible["referral_id"]
    ids["routing.lead.referral_id"] = ids["police.referral_id"]
    async with journey.callers.client("civil-affairs-cases") as civil:
        subscribed = await civil.post(
            "/notifications/v1/subscriptions",
            json={"url": "http://127.0.0.1:9/matrix", "event_types": ["lead.transfer_requested"]},
        )
        assert subscribed.status_code == 201, subscribed.text
        ids["subscription_id"] = subscribed.json()["id"]
    async with journey.callers.client("police-dispatch") as police:
        offered = await police.post(
            f"/routing/v1/referrals/{ids['police.referral_id']}/lead-transfers",
            json={"to_agency": "civil_affairs", "reason": "matrix"},
        )
        assert offered.status_code == 201, offered.text
        ids["transfer_id"] = offered.json()["transfer_id"]
    async with journey.callers.client("civil-affairs-cases") as civil:
        deliveries = await eventually(
            lambda: civil.get("/notifications/v1/deliveries"),
            until=lambda answer: answer.status_code == 200 and answer.json()["items"],
            what="the transfer's delivery to civil affairs' system",
        )
        ids["webhook_id"] = deliveries.json()["items"][0]["webhook_id"]
    lead = ids["civil_affairs.referral_id"]
    await journey.accept("civil_affairs", lead)
    requested = await journey.post(
        f"/civil_affairs/v1/referrals/{lead}/approvals",
        {"kind": "close_case", "reason": "matrix", "outcome": "child safe"},
        expect=201,
    )
    ids["approval_id"] = requested["approval_id"]


# --- Keycloak ------------------------------------------------------------------------------------------

POLICE = "police-dispatch"


@pytest.fixture(scope="session")
def keycloak() -> Keycloak:
    """The Keycloak the test command started (deploy/local/keycloak.sh) or was given."""
    return Keycloak(
        base_url=required_env("KEYCLOAK_URL"),
        admin_user=os.environ.get("KEYCLOAK_ADMIN_USER", "admin"),
        admin_password=os.environ.get("KEYCLOAK_ADMIN_PASSWORD", "admin"),
    )


@pytest.fixture(scope="session")
def keycloak_issuer(keycloak: Keycloak) -> str:
    """The issuer of the child-protection realm: what AUTH_ISSUER names."""
    return keycloak.issuer()


@pytest.fixture(scope="session")
async def neighbouring_city(keycloak: Keycloak) -> str:
    """A second realm with the very same clients and secrets: the same tokens, from another issuer."""
    definition = realm_definition("neighbouring-city")
    await keycloak.ensure_realm(definition)
    return definition["realm"]


async def _police_variant(
    keycloak: Keycloak,
    client_id: str,
    *,
    attributes: dict[str, str] | None = None,
    scopes: list[str] | None = None,
    mappers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The realm file's police dispatch system under another id, changed as given, made in Keycloak."""
    client = client_definition(POLICE)
    client["clientId"] = client_id
    client["name"] += " (test variant)"
    client["attributes"].update(attributes or {})
    if scopes is not None:
        client["defaultClientScopes"] = scopes
    client["protocolMappers"] += mappers or []
    await keycloak.replace_client(client)
    return client


@pytest.fixture(scope="session")
async def short_lived_police(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system with 15-second tokens."""
    return await _police_variant(
        keycloak, "test-police-short-lived", attributes={"access.token.lifespan": "15"}
    )


@pytest.fixture(scope="session")
async def police_for_another_audience(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system, its tokens meant for another resource server (aud: police-records)."""
    audience = {
        "name": "police-records audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.custom.audience": "police-records", "access.token.claim": "true"},
    }
    scopes = [s for s in client_definition(POLICE)["defaultClientScopes"] if s != "backbone-audience"]
    return await _police_variant(keycloak, "test-police-records", scopes=scopes, mappers=[audience])


@pytest.fixture(scope="session")
async def police_reporting_only(keycloak: Keycloak) -> dict[str, Any]:
    """The police dispatch system granted only `reports.submit` (it may report, not work the inbox)."""
    scopes = ["basic", "service_account", "backbone-audience", "reports.submit"]
    return await _police_variant(keycloak, "test-police-reporting-only", scopes=scopes)
