"""Every request body example the OpenAPI documents show is accepted by its route on the running system.

The examples are read from each service's `/openapi.json`, as an integrating agency would copy them, and
posted in the order a case takes: intake's report and detention, each agency's steps on the referrals
routing made, a supervisor's pause. Each must be answered 2xx, and every documented example is posted
(the agencies' shared inbox routes are one piece of code: its examples are posted to one agency or another).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from contracts.catalogue import SERVICES
from tests.support.journeys import Journey, referral_of
from tests.support.openapi import body_examples
from tests.support.system import running_system

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

    async def post(self, service: str, path: str, *, expect: int = 200, **ids: str) -> list[Json]:
        """Post each example of the operation (ids filled into the path); the answers."""
        assert self.examples.get((service, path)), f"{service} {path} documents no example"
        answers = []
        for example in self.examples[service, path]:
            answers.append(await self.journey.post(f"/{service}{path.format(**ids)}", example, expect=expect))
            self.posted.add((path, json.dumps(example, sort_keys=True)))
        return answers

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
    schooling = referral_of(case, "education", "rescue_and_protection", "responsible")["referral_id"]
    declined = referral_of(case, "education", "judicial_protection", "responsible")["referral_id"]

    # A supervisor pauses the reporter-feedback deadline and resumes it.
    clocks = await journey.clocks(case_id=accepted["case_id"], state="running")
    (feedback,) = [c for c in clocks if c["clock"] == "reporter.feedback"]
    (paused,) = await walk.post("routing", "/v1/sla/clocks/{clock_id}/pause", clock_id=feedback["id"])
    assert paused["state"] == "paused"
    await journey.post(f"/routing/v1/sla/clocks/{feedback['id']}/resume")

    for action in ("accept", "dispatch", "arrive", "resolve", "complete"):
        await walk.step("police", action, police)
    for action in ("admission", "findings", "mental-health-assessment", "discharge", "complete"):
        await walk.step("health", action, health)
    for action in ("accept", "school-contact", "return-plan", "aid", "psychological-support", "complete"):
        await walk.step("education", action, schooling)
    await walk.step("education", "decline", declined)
    casework = ["accept", "assessment", "assistance-plan", "intervention", "placement", "monitoring"]
    casework += ["visits", "inform-reporter", "close-case"]
    for action in casework:
        await walk.step("civil_affairs", action, assessment, expect=201 if action == "visits" else 200)

    assert not walk.unposted(), "documented examples this walk does not post: add them to it"
