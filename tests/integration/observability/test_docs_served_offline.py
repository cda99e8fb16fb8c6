"""Every service's Swagger UI and ReDoc pages load only assets the application serves itself (no CDN),
and the root page lists the services with links to their docs."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx

from backbone.system import System
from contracts.catalogue import SERVICES
from tests.support.prometheus import SCRAPER

ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
# Swagger UI and ReDoc write asset URLs in their bootstrap scripts too: `url: '...'`, `.../x.js`.
ANY_URL = re.compile(r"""https?://[^\s"'<>)]+""")


def _assets(html: str) -> list[str]:
    return ASSET.findall(html)


async def _assert_local_and_served(client: httpx.AsyncClient, page: str) -> list[str]:
    answer = await client.get(page)
    assert answer.status_code == 200, f"{page}: {answer.status_code}"
    assert answer.headers["content-type"].startswith("text/html")
    assets = _assets(answer.text)
    assert not ANY_URL.findall(answer.text), f"{page} refers to another host: {ANY_URL.findall(answer.text)}"
    for asset in assets:
        url = urlsplit(urljoin(f"http://backbone{page}", asset))
        assert url.netloc == "backbone", f"{page}: {asset} is not served by the application"
        served = await client.get(url.path)
        assert served.status_code == 200, f"{page}: {asset} -> {served.status_code}"
        assert served.content, f"{page}: {asset} is empty"
    return assets


async def test_every_service_docs_load_local_assets_only(client: httpx.AsyncClient) -> None:
    for service in SERVICES:
        swagger = await _assert_local_and_served(client, f"/{service}/docs")
        assert any(a.endswith("swagger-ui-bundle.js") for a in swagger), swagger
        assert any(a.endswith("swagger-ui.css") for a in swagger), swagger
        redoc = await _assert_local_and_served(client, f"/{service}/redoc")
        assert any(a.endswith("redoc.standalone.js") for a in redoc), redoc
        spec = await client.get(f"/{service}/openapi.json")
        assert spec.status_code == 200 and spec.json()["paths"], service


async def test_root_lists_every_service_with_links_to_its_docs(
    running: tuple[System, httpx.AsyncClient],
) -> None:
    system, client = running
    answer = await client.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    links = re.findall(r"""href=["']([^"']+)["']""", answer.text)
    for service in SERVICES:
        assert f"/{service}/docs" in links and f"/{service}/redoc" in links, service
    assert "/ops/" in links  # the operations page, for people: it sends them to its sign-in form
    assert (await client.get("/ops/")).headers["location"] == "/ops/login"
    links = [link for link in links if link != "/ops/"]
    assert not ANY_URL.findall(answer.text)
    assert not re.findall(r"<(?:script|link)\b", answer.text), "the root page loads no assets"
    async with system.callers.client(SCRAPER) as scraper:
        for link in links:
            # Metrics need a token with metrics.read (the owners' tokens have none); the rest is open.
            caller = scraper if link.endswith("/metrics") else client
            assert (await caller.get(link)).status_code == 200, link


async def test_the_operations_page_loads_local_assets_only(client: httpx.AsyncClient) -> None:
    assets = await _assert_local_and_served(client, "/ops/login")
    assert any(a.endswith("/vendor/htmx-2.0.11.min.js") for a in assets), assets
    assert any(a.endswith("/ops.js") for a in assets) and any(a.endswith("/ops.css") for a in assets)
