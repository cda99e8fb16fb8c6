"""The operations page in a real browser (Debian's chromium through Playwright), on the running system.

A supervisor signs in, the hotline posts a P1 report through the API, the case appears with the police's
first-dispatch countdown ticking; the (fake) clock moves past the deadline and the breach is marked on
the case, listed under the police and counted in the compliance chart; left open at twice its target it
is escalated, and the escalation is listed after the breach (oldest first). Without a session the page sends
the browser to the sign-in form; an agency officer signed in is refused with a 403 page. The page loads
nothing from elsewhere and never shows the child's name unmasked. Screenshots: tests/artifacts/ops/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Page, expect

from backbone.app import create_app
from tests.support.browser import artifacts_dir, chromium, free_port, serving_http
from tests.support.journeys import Journey, report_body
from tests.support.system import running_system

CHILD_NAME = "王小明"
WAIT_MS = 30_000  # the page polls every 5 s; a condition, not a sleep


@pytest.fixture
async def served(fake_clock, fresh_database_url: str) -> AsyncIterator[tuple[str, Journey]]:
    """The whole system (embedded transport) served over loopback HTTP, and a journey driving its API."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with running_system(fresh_database_url, BACKBONE_PUBLIC_URL=base) as (system, client):
        async with serving_http(create_app(system, manage_lifespan=False), port):
            yield base, Journey(client, "embedded", system.callers)


def violence_now() -> dict:
    return report_body(
        source="hotline_12355",
        categories=["abuse"],
        immediate_danger=True,
        offender="parent",
        occurred_minutes_ago=5,
        description="A caller hears a child being beaten next door, right now.",
        child={"name": CHILD_NAME, "age": 7, "gender": "male"},
    )


async def sign_in(page: Page, base: str, account: str, password: str) -> None:
    await page.goto(f"{base}/ops/")
    await expect(page).to_have_url(f"{base}/ops/login")
    await page.get_by_label("Account").fill(account)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_supervisor_sees_a_p1_countdown_run_out_into_a_breach(served, fake_clock) -> None:
    base, journey = served
    shots = artifacts_dir("ops")
    async with chromium() as browser:
        context = await browser.new_context()
        page = await context.new_page()
        foreign = []
        page.on("request", lambda r: None if r.url.startswith(base) else foreign.append(r.url))

        await sign_in(page, base, "supervisor", journey.callers.secret("supervisor"))
        await expect(page).to_have_url(f"{base}/ops/")
        await expect(page.get_by_test_id("signed-in")).to_contain_text("supervisor")
        cookie = next(c for c in await context.cookies() if c["name"] == "ops_session")
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/ops")

        accepted = await journey.report(violence_now())
        case_id = accepted["case_id"]
        await journey.routed(case_id, referrals=7)

        row = page.locator(f'tr.case[data-case-id="{case_id}"]')
        await expect(row).to_be_visible(timeout=WAIT_MS)
        assert await row.get_attribute("data-priority") == "P1"
        dispatch = row.locator('[data-clock="police.first_dispatch"]')
        countdown = dispatch.locator(".countdown")
        await expect(dispatch).to_have_attribute("data-tone", "running")
        await expect(countdown).to_have_text(re.compile(r"^0[0-3]:\d\d$"))
        shown = await countdown.text_content()
        await expect(countdown).not_to_have_text(shown, timeout=5_000)  # it ticks in the browser
        await page.screenshot(path=shots / "1-p1-countdown.png", full_page=True)

        fake_clock.advance(minutes=3, seconds=1)  # no unit dispatched

        await expect(dispatch).to_have_attribute("data-tone", "breached", timeout=WAIT_MS)
        await expect(dispatch).to_contain_text("BREACHED")
        await expect(row).to_have_class(re.compile(r"\btone-breached\b"))
        police_bar = page.locator('svg.chart g.bar[data-agency="police"]')
        await expect(police_bar).to_have_attribute("data-breached", "1", timeout=WAIT_MS)
        lapses = page.locator('tr.lapse-group[data-agency="police"][data-district="370702"]')
        await expect(lapses).to_have_attribute("data-breaches", "1", timeout=WAIT_MS)
        await expect(
            page.locator('tr.compliance-line[data-agency="police"][data-district="370702"]')
        ).to_have_attribute("data-breached", "1", timeout=WAIT_MS)
        await page.screenshot(path=shots / "2-breach-marked.png", full_page=True)
        assert CHILD_NAME not in await page.content()

        fake_clock.advance(minutes=3)  # still open at twice its target: the joint meeting office is told
        await expect(lapses).to_have_attribute("data-escalations", "1", timeout=WAIT_MS)
        await expect(lapses.locator("li.lapse").first).to_contain_text("breach · police.first_dispatch")
        await expect(lapses.locator("li.lapse-escalation")).to_contain_text("police.first_dispatch")
        await expect(dispatch).to_contain_text("ESCALATED")
        await page.screenshot(path=shots / "3-escalated.png", full_page=True)

        await row.get_by_role("link").first.click()
        await expect(page).to_have_url(f"{base}/ops/cases/{case_id}")
        await expect(page.get_by_test_id("child")).to_have_text(re.compile(r"^王\*+$"))
        await expect(page.locator('.clock[data-clock="police.first_dispatch"]')).to_have_attribute(
            "data-tone", "breached"
        )
        search = await page.get_by_test_id("trace-search").get_attribute("href")
        assert "case.id" in search and case_id in search
        await page.screenshot(path=shots / "4-case-page.png", full_page=True)
        assert CHILD_NAME not in await page.content()

        await page.get_by_role("button", name="Sign out").click()
        await expect(page).to_have_url(f"{base}/ops/login")
        await page.goto(f"{base}/ops/")
        await expect(page).to_have_url(f"{base}/ops/login")
        assert not foreign, f"the page loaded from elsewhere: {foreign}"


async def test_refused_without_sign_in_and_for_an_agency_officer(served) -> None:
    base, journey = served
    async with httpx.AsyncClient(base_url=base) as anonymous:
        page = await anonymous.get("/ops/")
        assert (page.status_code, page.headers["location"]) == (303, "/ops/login")
        polled = await anonymous.get("/ops/live", headers={"HX-Request": "true"})
        assert polled.headers["HX-Redirect"] == "/ops/login"
        forged = await anonymous.post(
            "/ops/login",
            data={"username": "supervisor", "password": journey.callers.secret("supervisor")},
            headers={"Origin": "http://elsewhere.example"},
        )
        assert forged.status_code == 403 and "ops_session" not in forged.cookies
        tokenless = await anonymous.post(
            "/ops/login",
            data={"username": "supervisor", "password": journey.callers.secret("supervisor")},
            headers={"Origin": base},
        )
        assert tokenless.status_code == 403 and "ops_session" not in tokenless.cookies
    shots = artifacts_dir("ops")
    async with chromium() as browser:
        page = await browser.new_page()
        await sign_in(page, base, "supervisor", "not-the-password")
        await expect(page.get_by_role("alert")).to_contain_text("wrong password")
        await page.get_by_label("Account").fill("child-director")
        await page.get_by_label("Password").fill(journey.callers.secret("child-director"))
        async with page.expect_response(lambda r: r.url == f"{base}/ops/") as refused:
            await page.get_by_role("button", name="Sign in").click()
        answer = await refused.value
        assert answer.status == 403
        await expect(page.get_by_role("alert")).to_contain_text("Only supervisors and the operations team")
        await page.screenshot(path=shots / "5-officer-refused.png", full_page=True)

        await page.get_by_role("button", name="Sign out").click()
        await page.get_by_label("Account").fill("operations")
        await page.get_by_label("Password").fill(journey.callers.secret("operations"))
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_test_id("signed-in")).to_contain_text("operations")
        await expect(page.locator("#breaches")).to_contain_text("No breach open")  # escalations readable
