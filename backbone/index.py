"""The page at `/`: the services this process runs, with links to their docs (no external assets)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backbone.service import ServiceDefinition

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1d2733; }
h1 { font-size: 1.5rem; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #d8dee6; }
th { background: #f2f5f8; } code { background: #f2f5f8; padding: 0 .2rem; } a { color: #0b5cad; }
"""
_API_LINKS = (
    ("docs", "API docs"),
    ("redoc", "ReDoc"),
    ("openapi.json", "OpenAPI"),
    ("metrics", "metrics"),
    ("readyz", "ready?"),
)


def _links(definition: ServiceDefinition) -> str:
    name = escape(definition.name)
    if definition.web is not None:
        return f'<a href="/{name}/">open the page</a> (supervisors and the operations team)'
    return " · ".join(f'<a href="/{name}/{path}">{label}</a>' for path, label in _API_LINKS)


def services_page(definitions: Sequence[ServiceDefinition]) -> str:
    """An HTML list of the services with links to their API docs, ReDoc, OpenAPI, metrics and probe."""
    rows = "\n".join(
        f"<tr><td><code>{escape(d.name)}</code></td><td>{escape(d.title)}</td><td>{_links(d)}</td></tr>"
        for d in definitions
    )
    pages = "".join(
        f' The <a href="/{escape(d.name)}/">{escape(d.title)}</a> is for people.'
        for d in definitions
        if d.web is not None
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Child protection referral backbone</title>
<style>{_STYLE}</style></head>
<body><h1>Child protection referral backbone</h1>
<p>The services this process runs. Each one's API is under <code>/&lt;service&gt;/v1/</code>.
All of this process's metrics: <a href="/metrics">/metrics</a> (Prometheus).{pages}</p>
<table><thead><tr><th>Service</th><th>What it does</th><th>Links</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""
