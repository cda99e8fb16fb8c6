"""A retried POST with the same Idempotency-Key gets the first answer and creates nothing new."""

import asyncio

from tests.integration.intake.intake_api import Intake, build_report


async def test_the_same_key_twice_returns_the_first_answer_and_one_report(intake: Intake) -> None:
    body = build_report()

    first = await intake.submit(body, key="retry-1")
    before = await intake.counts()
    second = await intake.submit(body, key="retry-1")

    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await intake.counts() == before
    assert before["reports"] == 1
    assert before["outbox"] == 1


async def test_the_same_key_with_another_body_is_refused(intake: Intake) -> None:
    await intake.submit(build_report(), key="retry-2")
    before = await intake.counts()

    other = await intake.submit(build_report(**{"incident.description": "另一份报告"}), key="retry-2")

    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "different request body" in other.json()["detail"][0]["msg"]
    assert await intake.counts() == before


async def test_concurrent_retries_with_one_key_create_one_report(intake: Intake) -> None:
    body = build_report()

    answers = await asyncio.gather(*(intake.submit(body, key="retry-3") for _ in range(5)))

    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["report_id"] for a in answers}) == 1
    assert await intake.scalar("SELECT count(*) FROM reports") == 1
    assert await intake.scalar("SELECT count(*) FROM outbox") == 1


async def test_different_keys_are_different_reports(intake: Intake) -> None:
    first = await intake.submit(build_report(), key="retry-4a")
    second = await intake.submit(build_report(**{"incident.categories": ["poverty"]}), key="retry-4b")

    assert first.json()["report_id"] != second.json()["report_id"]
    assert await intake.scalar("SELECT count(*) FROM reports") == 2
