"""The page reads list routes in either shape (paging envelope or bare list), page by page."""

import httpx

from services.ops.api import PAGE_SIZE, ServicesApi, items_of


def test_items_of_an_envelope_or_a_list() -> None:
    assert items_of({"items": [{"a": 1}], "total": 1, "limit": 50, "offset": 0}) == [{"a": 1}]
    assert items_of([{"a": 1}]) == [{"a": 1}]


async def test_rows_follow_the_pages_and_each_service_has_its_base() -> None:
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        offset = int(request.url.params["offset"])
        rows = [{"n": i} for i in range(offset, min(offset + PAGE_SIZE, 250))]
        body = {"items": rows, "total": 250} if request.url.host == "routing" else rows
        return httpx.Response(200, json=body)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = ServicesApi(client, {"*": "http://gateway", "routing": "http://routing"})
    async with client:
        assert len(await api.rows("/routing/v1/cases")) == 250
        assert len(await api.rows("/civil_affairs/v1/escalations")) == 250
    assert seen[0].startswith("http://routing/routing/v1/cases?") and "offset=200" in seen[1]
    assert seen[2].startswith("http://gateway/civil_affairs/v1/escalations?")
