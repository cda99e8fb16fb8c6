"""Request bodies no view should see: too large (413), not JSON (415), JSON no store could keep (422).

An ASGI middleware in front of every service, so a view never parses a body the runtime refused.
JSON is the only body format of every API; refusing anything else also stops a cross-site "simple"
POST (`text/plain`, a form), which a browser sends without asking the service first.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backbone.web.problems import problem, refusal

# Methods whose body no route reads: it is never looked at, so never refused either.
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Deeper than any of the APIs' documents nests; a deeper one is an attack on the parser.
MAX_JSON_DEPTH = 32
# Problems reported per body: enough to fix a request, not a response as large as the attack.
MAX_PROBLEMS = 20
NUL = "\x00"


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def unsupported_media_type() -> list[dict[str, Any]]:
    return [
        problem(["header", "content-type"], "the body must be application/json", "unsupported_media_type")
    ]


def too_large(limit: int) -> list[dict[str, Any]]:
    return [problem(["body"], f"the body is larger than {limit} bytes", "body_too_large")]


def nul_in_text(loc: list[str | int]) -> dict[str, Any]:
    return problem(loc, "the text contains a NUL character (\\u0000), which cannot be stored", "string_nul")


def json_problems(body: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> list[dict[str, Any]]:
    """What makes a JSON body unacceptable to every API: not JSON, nested too deep, NUL characters."""
    try:
        document = json.loads(body)
    except RecursionError:
        return [_too_deep([], max_depth)]
    except ValueError:
        return [problem(["body"], "the body is not valid JSON", "json_invalid")]
    found: list[dict[str, Any]] = []
    for found_problem in _walk(document, max_depth):
        found.append(found_problem)
        if len(found) == MAX_PROBLEMS:
            break
    return found


def _too_deep(loc: list[str | int], max_depth: int) -> dict[str, Any]:
    return problem(["body", *loc], f"the body nests deeper than {max_depth} levels", "json_too_deep")


def _walk(document: Any, max_depth: int) -> Iterator[dict[str, Any]]:
    # Iterative: a recursive walk would itself fail on the documents it is meant to refuse.
    pending: deque[tuple[Any, list[str | int], int]] = deque([(document, [], 0)])
    while pending:
        node, loc, depth = pending.popleft()
        if isinstance(node, str):
            if NUL in node:
                yield nul_in_text(["body", *loc])
            continue
        if not isinstance(node, dict | list):
            continue
        if depth >= max_depth:
            yield _too_deep(loc, max_depth)
            return
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(key, str) and NUL in key:
                # The key itself is what the caller sent: name where it is, not what it is.
                yield problem(["body", *loc], "a field name contains a NUL character", "key_nul")
                continue
            pending.append((value, [*loc, key], depth + 1))


class BodyGuard:
    """Reads (at most `max_body_bytes` of) every body and refuses it, or hands it on unchanged."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type")
        if content_type is not None and not is_json(content_type):
            await refusal(415, unsupported_media_type())(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await refusal(413, too_large(self.max_body_bytes))(scope, receive, send)
            return
        body, complete = await _read(receive, self.max_body_bytes + 1)
        if not complete:
            return  # the client went away; nobody to answer
        if len(body) > self.max_body_bytes:
            await refusal(413, too_large(self.max_body_bytes))(scope, receive, send)
            return
        if body and content_type is None:
            await refusal(415, unsupported_media_type())(scope, receive, send)
            return
        found = json_problems(body) if body else []
        if found:
            await refusal(422, found)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, stopping once it exceeds `limit`; and whether the client stayed to send it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit or not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect, as the server reports it

    return replay
