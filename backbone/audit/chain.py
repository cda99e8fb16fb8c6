"""Hash chaining of audit records: pure functions, so verification needs no service running."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "recorded_at", "service", "action", "method", "route", "subject", "client_id", "agency", "role",
    "resource", "trace_id", "purpose",
)  # fmt: skip


def _canonical(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def record_hash(record: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 over the previous hash and the record's fields in canonical JSON."""
    body = {name: _canonical(record.get(name)) for name in CHAINED_FIELDS}
    payload = json.dumps([prev_hash, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    record_id: int
    reason: str


def first_broken_link(records: Iterable[Mapping[str, Any]], *, start: str = GENESIS) -> BrokenLink | None:
    """Walk records in id order; the first whose link or content does not check out, or None."""
    expected_prev = start
    for record in records:
        if record["prev_hash"] != expected_prev:
            return BrokenLink(record["id"], "its link to the previous record does not match")
        if record_hash(record, record["prev_hash"]) != record["hash"]:
            return BrokenLink(record["id"], "its content does not match its hash")
        expected_prev = record["hash"]
    return None
