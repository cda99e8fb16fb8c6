"""Every request body example the OpenAPI documents show is accepted by its route on the running system.

The examples are read from each service's `/openapi.json`, as an integrating agency would copy them, and
posted in the order a case takes: intake's report and detention, a supervisor's pause, each agency's
steps on the referrals routing made (a hold, a note, a lead offered and refused), supervisors' approvals,
a withdrawal, the case closed, a webhook subscribed. Each must be answered 2xx, and every documented
example is posted (the agencies' shared inbox routes are one piece of code: its examples are posted to
one agency or another).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from contracts.catalogue import SERVICES
from tests.support.journeys import Journey, referral_of
from tests.support.openapi import body_examples
from tests.support.system import running_system
from tests.support.waiting import eventually

Json = dict[str, Any]


@pytest.fixture
async def journey(fresh_database_url: str) -> AsyncIterator[Journey]:
    async with running_system(fresh_database_url) as (system, client):
        yield Journey(client, "embedded", system.callers)


async def documented_examples(journey: Journey) -> dict[tuple[str, str], list[Json]]:
    """(service, path template) -> the examples its POST body shows, from the served documents."""
    examples: dict[tuple[str, str], list[Json]] = {}
    for service in SERVICES:
        document = await journey.get(f"/{service}/openapi.json")
        for path, item in document["paths"].items():
            body = item.get("post", {}).get("requestBody")
            if body is None:
                continue
            examples[service, path] = body_examples(document, body["content"]["application/json"])
    return examples


class Walk:
    """Posts documented examples and remembers which ones were posted."""

    def __init__(self, journey: Journey, examples: dict[tuple[str, str], list[Json]]) -> None:
        self.journey, self.examples = journey, examples
        self.posted: set[tuple[str, str]] = set()  # (path template, example)

    def unposted(self) -> list[str]:
        return sorted(
            f"{service} POST {path}: {example}"
            for (service, path), examples in self.examples.items()
            for example in examples
            if (path, json.dumps(example, sort_keys=True)) not in self.posted
        )

    async def post(
        self, service: str, path: str, *, expect: int = 200, account: str | None = None, **ids: str
    ) -> list[Json]:
        """Post each example of the operation (ids filled in; as `account` if named); the answers."""
        assert self.examples.get((service, path)), f"{service} {path} documents no example"
        return [
            await self.post_example(service, path, example, expect=expect, account=account, **ids)
            for example in self.examples[service, path]
        ]

    async def post_example(
        self, service: str, path: str, example: Json, *, expect: int, account: str | None = None, **ids: str
    ) -> Json:
        """Post one documented example (as the path's owner unless `account` is named); the answer."""
        url = f"/{service}{path.format(**ids)}"
        if account is None:
            answer = await self.journey.post(url, example, expect=expect)
        else:
            async with self.journey.callers.client(account) as caller:
                response = await caller.post(url, json=example)
            assert response.status_code == expect, f"POST {url}: {response.status_code} {response.text}"
            answer = response.json()
        self.posted.add((path, json.dumps(example, sort_keys=True)))
        return answer

    async def step(self, agency: str, action: str, referral_id: str, *, expect: int = 200) -> list[Json]:
        await self.journey.in_inbox(agency, referral_id)
        path = f"/v1/referrals/{{referral_id}}/{action}"
        return await self.post(agency, path, expect=expect, referral_id=referral_id)


async def test_every_documented_example_is_accepted(journey: Journey) -> None:
    walk = Walk(journey, await documented_examples(journey))

    # Intake: the documented report is a P1 (in danger, injured) and opens a case; the detention too.
    (report,) = walk.examples["intake", "/v1/reports"]
    accepted = await journey.report(report)  # as the school's own system, the example's source
    walk.posted.add(("/v1/reports", json.dumps(report, sort_keys=True)))
    await walk.post("intake", "/v1/detentions", expect=201)
    case = await journey.routed(accepted["case_id"], referrals=10)
    police = referral_of(case, "police", "emergency_response")["referral_id"]
    health = referral_of(case, "health", "medical_protection")["referral_id"]
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")["referral_id"]
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
    police_medical = referral_of(case, "police", "medical_protection", "responsible")["referral_id"]
    police_rescue = referral_of(case, "police", "rescue_and_protection", "responsible")["referral_id"]
    schooling = referral_of(case, "education", "rescue_and_protection", "responsible")["referral_id"]
    declined = referral_of(case, "education", "judicial_protection", "responsible")["referral_id"]

    # A supervisor pauses the reporter-feedback deadline and resumes it.
    clocks = await journey.clocks(case_id=accepted["case_id"], state="running")
    (feedback,) = [c for c in clocks if c["clock"] == "reporter.feedback"]
    (paused,) = await walk.post("routing", "/v1/sla/clocks/{clock_id}/pause", clock_id=feedback["id"])
    assert paused["state"] == "paused"
    await journey.post(f"/routing/v1/sla/clocks/{feedback['id']}/resume")

    # The police hold their referral (waiting on the court), resume it and note their progress.
    await walk.step("police", "accept", police)
    await walk.step("police", "hold", police)
    await journey.post(f"/police/v1/referrals/{police}/resume")
    await walk.step("police", "notes", police, expect=201)
    for action in ("dispatch", "arrive", "resolve", "complete"):
        await walk.step("police", action, police)

    # Health offers the lead of its task to civil affairs, which refuses: health keeps it.
    (offered,) = await walk.post(
        "routing",
        "/v1/referrals/{referral_id}/lead-transfers",
        expect=201,
        account="health-system",
        referral_id=health,
    )
    (refused,) = await walk.post(
        "routing",
        "/v1/lead-transfers/{transfer_id}/refuse",
        account="civil-affairs-cases",
        transfer_id=offered["transfer_id"],
    )
    assert refused["status"] == "refused"
    for action in ("admission", "findings", "mental-health-assessment", "discharge", "complete"):
        await walk.step("health", action, health)
    for action in ("accept", "school-contact", "return-plan", "aid", "psychological-support", "complete"):
        await walk.step("education", action, schooling)
    await walk.step("education", "decline", declined)
    casework = ["accept", "assessment", "assistance-plan", "intervention", "placement", "monitoring"]
    casework += ["visits", "inform-reporter"]
    for action in casework:
        await walk.step("civil_affairs", action, assessment, expect=201 if action == "visits" else 200)

    # Approvals wait for a supervisor of the case's district (370702). On the rescue lead, the court
    # application to revoke guardianship is approved (which decides its intervention); on the
    # assessment lead, closing while other agencies' referrals are open is refused, then rejected.
    (court_example, close_example) = sorted(
        walk.examples["civil_affairs", "/v1/referrals/{referral_id}/approvals"],
        key=lambda example: example["kind"] == "close_case",
    )
    assert (court_example["kind"], close_example["kind"]) == ("court_revocation_application", "close_case")
    ask, decide = "/v1/referrals/{referral_id}/approvals", "/v1/approvals/{approval_id}/"
    for action in ("accept", "assessment"):
        await walk.step("civil_affairs", action, rescue)
    court = await walk.post_example("civil_affairs", ask, court_example, expect=201, referral_id=rescue)
    (approved,) = await walk.post(
        "civil_affairs", decide + "approve", account="supervisor", approval_id=court["approval_id"]
    )
    assert (court["status"], approved["status"]) == ("requested", "approved")

    (close_case,) = walk.examples["civil_affairs", "/v1/referrals/{referral_id}/close-case"]
    url = f"/civil_affairs/v1/referrals/{assessment}/close-case"
    await journey.post(url, close_case, expect=409)
    closing = await walk.post_example("civil_affairs", ask, close_example, expect=201, referral_id=assessment)
    (rejected,) = await walk.post(
        "civil_affairs", decide + "reject", account="supervisor", approval_id=closing["approval_id"]
    )
    assert (closing["status"], rejected["status"]) == ("requested", "rejected")

    # With the other agencies' referrals finished (one declined, one withdrawn by the joint office),
    # the lead closes the case itself.
    await walk.step("police", "decline", police_medical)
    await walk.post("routing", "/v1/referrals/{referral_id}/withdraw", referral_id=police_rescue)

    async def close() -> httpx.Response:  # refused (nothing changes) until civil affairs saw the declines
        return await journey.client.post(url, json=close_case)

    closed = await eventually(close, until=lambda answer: answer.status_code != 409, what="the case closes")
    assert closed.status_code == 200, f"POST {url}: {closed.status_code} {closed.text}"
    walk.posted.add(("/v1/referrals/{referral_id}/close-case", json.dumps(close_case, sort_keys=True)))

    # The police dispatch console subscribes to the next cases' events (last: nothing is delivered here).
    await walk.post("notifications", "/v1/subscriptions", expect=201)

    assert not walk.unposted(), "documented examples this walk does not post: add them to it"
