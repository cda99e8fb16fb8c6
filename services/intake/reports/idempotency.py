"""`Idempotency-Key`: a retried request gets the first answer; the key's row is written with the report.

The key is the table's primary key. The first request inserts it before doing anything else, so a
concurrent retry blocks on that insert until the first commits (and then replays its answer) or rolls
back (and then goes ahead itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backbone.sealing import KeyRing
from services.intake.personal_data import request_fingerprint
from services.intake.reports.models import ReportIdempotencyKey


class IdempotencyKeyReused(ValueError):
    """The key was first used with a different request body."""


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]


def fingerprint(ring: KeyRing, body: Any) -> str:
    """A keyed digest of the request body that ignores key order and whitespace.

    Keyed (HMAC), because the body holds a child's personal data: a plain hash would let anyone with
    the table confirm a guessed name or resident ID.
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return request_fingerprint(ring, canonical)


async def claim_key(
    *, session: AsyncSession, key: str, request_fingerprint: str, at: datetime
) -> StoredAnswer | None:
    """Claim a key for this request (None), or return the answer stored for it by an earlier one."""
    claimed = await session.scalar(
        pg_insert(ReportIdempotencyKey)
        .values(idempotency_key=key, request_fingerprint=request_fingerprint, created_at=at)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(ReportIdempotencyKey.idempotency_key)
    )
    if claimed is not None:
        return None
    stored = (
        await session.execute(
            select(
                ReportIdempotencyKey.request_fingerprint,
                ReportIdempotencyKey.status_code,
                ReportIdempotencyKey.response,
            ).where(ReportIdempotencyKey.idempotency_key == key)
        )
    ).one()
    if stored.request_fingerprint != request_fingerprint:
        raise IdempotencyKeyReused(key)
    return StoredAnswer(status_code=stored.status_code, body=stored.response)


async def record_answer(*, session: AsyncSession, key: str, answer: StoredAnswer) -> None:
    """Store the answer given for a claimed key, in the transaction that did the work."""
    await session.execute(
        update(ReportIdempotencyKey)
        .where(ReportIdempotencyKey.idempotency_key == key)
        .values(status_code=answer.status_code, response=answer.body)
    )
