"""An agency's deadline list asks routing (a stand-in here) with the caller's own token and the agency's
name, passes routing's refusals on as they are, and answers 503 when routing fails."""

from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backbone.web.failures import install_error_handlers
from backbone.web.peers import serve_in_process
from contracts.events.common import Agency
from services.agency.deadlines.views import deadlines_router

CLOCK = {
    "id": "clock-1",
    "clock": "police.first_dispatch",
    "agency": "police",
    "case_id": "case-1",
    "subject_id": "ref-1",
    "state": "breached",
    "warned": True,
    "priority": "P1",
    "started_at": "2026-12-01T01:00:00Z",
    "due_at": "2026-12-01T01:03:00Z",
    "due_provisional": False,
    "stopped_at": None,
    "late_by_seconds": 60.0,
    "escalated_at": None,
    "escalated_to": None,
    "policy_version": "sla.v1",
    "alerts_fired": ["warning_50", "breach"],
    "pauses": [],
}


def agency_and_routing(answer: Any) -> tuple[FastAPI, list[Request]]:
    """The police app and a stand-in routing answering `answer(request)`, in one process."""
    asked: list[Request] = []
    routing = FastAPI()

    @routing.get("/v1/sla")
    async def clocks(request: Request) -> JSONResponse:
        asked.append(request)
        return answer(request)

    police = FastAPI()
    police.include_router(deadlines_router(Agency.POLICE))
    install_error_handlers(police)
    root = FastAPI()
    root.mount("/routing", routing)
    root.mount("/police", police)
    serve_in_process(root, {"routing": routing, "police": police})
    return root, asked


async def get(root: FastAPI, path: str, **params: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=root)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, params=params, headers={"Authorization": "Bearer police-token"})


async def test_asks_routing_as_the_caller_for_the_agencys_clocks() -> None:
    page = {"items": [CLOCK], "total": 7, "limit": 1, "offset": 2}
    root, asked = agency_and_routing(lambda _: JSONResponse(page))
    answer = await get(root, "/police/v1/sla", state="breached", limit=1, offset=2)
    assert answer.status_code == 200, answer.text
    [request] = asked
    assert request.headers["authorization"] == "Bearer police-token"
    assert dict(request.query_params) == {
        "agency": "police",
        "state": "breached",
        "limit": "1",
        "offset": "2",
    }
    body = answer.json()
    assert (body["total"], body["limit"], body["offset"]) == (7, 1, 2)
    [shown] = body["items"]
    assert (shown["id"], shown["state"], shown["breached_at"]) == (
        "clock-1",
        "breached",
        "2026-12-01T01:03:00Z",
    )


async def test_routings_refusal_is_the_answer() -> None:
    refusal = {"detail": [{"loc": [], "msg": "over the rate limit", "type": "rate_limited"}]}
    root, _ = agency_and_routing(lambda _: JSONResponse(refusal, 429, headers={"Retry-After": "7"}))
    answer = await get(root, "/police/v1/sla")
    assert (answer.status_code, answer.headers["retry-after"], answer.json()) == (429, "7", refusal)


async def test_routing_failing_is_503() -> None:
    root, _ = agency_and_routing(lambda _: JSONResponse({"detail": "boom"}, 500))
    answer = await get(root, "/police/v1/sla")
    assert (answer.status_code, answer.headers["retry-after"]) == (503, "5")
    assert answer.json()["detail"][0]["type"] == "peer_unavailable"
