"""Reading list endpoints: every one answers the shared page envelope (backbone/web/paging.py)."""

from __future__ import annotations

from typing import Any

import httpx

PAGE_FIELDS = {"items", "total", "limit", "offset"}


def page_of(response: httpx.Response) -> dict[str, Any]:
    """The page a list endpoint answered, after checking it is a page."""
    assert response.status_code == 200, response.text
    page = response.json()
    assert isinstance(page, dict) and set(page) == PAGE_FIELDS, page
    assert len(page["items"]) <= page["limit"], page
    assert not page["items"] or page["total"] >= page["offset"] + len(page["items"]), page
    return page


def items(response: httpx.Response) -> list[Any]:
    """The items of a list endpoint's page."""
    return page_of(response)["items"]
