"""Gathering what each part of the operations page shows from the services' APIs (as the person)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from services.ops.api import ApiRefused, ServicesApi
from services.ops.board import (
    compliance_chart,
    compliance_lines,
    countdown,
    lapses_by_agency_and_district,
    live_board,
)

# Case lookups the breaches part makes for escalations whose case is not among the live ones.
MAX_CASE_LOOKUPS = 50


class SessionExpired(Exception):
    """The person's token no longer works (expired or revoked): sign in again."""


def unavailable(error: ApiRefused) -> str:
    """Why a part of the page is empty, in words (the service and the status, no values)."""
    service = error.path.strip("/").split("/", 1)[0]
    if error.status == 403:
        return f"your account may not read this ({service} refused it)"
    if error.status == 404:
        return "not found"
    return f"{service} is not answering right now ({error.status}); the page tries again"


async def part(gather: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """A part's context, or why it is unavailable; an expired session ends the whole page."""
    try:
        return {"unavailable": None, **await gather()}
    except ApiRefused as error:
        if error.status == 401:
            raise SessionExpired from None
        return {"unavailable": unavailable(error), "status": error.status}


async def live(*, api: ServicesApi, now: datetime) -> dict[str, Any]:
    """Live cases by priority with their open clocks' countdowns at `now`."""

    async def gather() -> dict[str, Any]:
        cases, clocks = await asyncio.gather(api.live_cases(), api.open_clocks())
        return {"board": live_board(cases, clocks, now), "cases": len(cases)}

    return await part(gather)


async def breaches(*, api: ServicesApi) -> dict[str, Any]:
    """Open breaches and escalations per agency and district, oldest first."""

    async def gather() -> dict[str, Any]:
        breached, escalations, cases = await asyncio.gather(
            api.breached_clocks(), api.escalations(), api.live_cases()
        )
        district_of = {case["case_id"]: case["district"] for case in cases}
        district_of |= {c["case_id"]: c["district"] for c in breached if c.get("district")}
        missing = sorted({e["case_id"] for e in escalations} - district_of.keys())[:MAX_CASE_LOOKUPS]
        for case in await asyncio.gather(*(_case_or_none(api, case_id) for case_id in missing)):
            if case is not None:
                district_of[case["case_id"]] = case["district"]
        groups = lapses_by_agency_and_district(breached, escalations, district_of)
        return {"groups": groups}

    return await part(gather)


async def _case_or_none(api: ServicesApi, case_id: str) -> dict[str, Any] | None:
    try:
        return await api.case(case_id)
    except ApiRefused as error:
        if error.status == 401:
            raise
        return None


async def compliance(*, api: ServicesApi) -> dict[str, Any]:
    """Compliance per agency over the caller's scope and per district of the live cases, with the chart."""

    async def gather() -> dict[str, Any]:
        overall = compliance_lines(await api.compliance(), "all")
        districts = sorted({case["district"] for case in await api.live_cases()})
        answers = await asyncio.gather(*(api.compliance(district) for district in districts))
        by_district = [
            line
            for district, rows in zip(districts, answers, strict=True)
            for line in compliance_lines(rows, district)
        ]
        return {"overall": overall, "by_district": by_district, "chart": compliance_chart(overall)}

    return await part(gather)


async def case(*, api: ServicesApi, case_id: str, now: datetime) -> dict[str, Any]:
    """One case as routing shows it, with its clocks' countdowns at `now`."""

    async def gather() -> dict[str, Any]:
        found = await api.case(case_id)
        clocks = [(clock, countdown(clock, now)) for clock in found.get("sla_clocks", [])]
        return {"case": found, "clocks": clocks}

    return await part(gather)


def trace_search_url(jaeger_ui_url: str, case_id: str) -> str:
    """Jaeger's search for the spans tagged with the case's id (routing's, which every case passes)."""
    query = urlencode({"service": "routing", "tags": f'{{"case.id":"{case_id}"}}', "lookback": "7d"})
    return f"{jaeger_ui_url.rstrip('/')}/search?{query}"


def trace_url(jaeger_ui_url: str, trace_id: str) -> str:
    return f"{jaeger_ui_url.rstrip('/')}/trace/{quote(trace_id)}"


async def find_trace_id(jaeger_ui_url: str, case_id: str) -> str | None:
    """The id of the newest trace tagged with the case's id, if Jaeger answers quickly; else None."""
    import httpx

    params = {"service": "routing", "tags": f'{{"case.id":"{case_id}"}}', "lookback": "7d", "limit": "1"}
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            answer = await client.get(f"{jaeger_ui_url.rstrip('/')}/api/traces", params=params)
        traces = answer.json().get("data") or [] if answer.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return None
    return traces[0].get("traceID") if traces else None
