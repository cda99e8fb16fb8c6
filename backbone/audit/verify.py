"""Verifying a service's audit chain straight from its schema."""

from __future__ import annotations

from dataclasses import dataclass

from backbone.audit.chain import GENESIS, BrokenLink, first_broken_link
from backbone.audit.store import read_chain
from backbone.db import create_engine, session_factory


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: BrokenLink | None


async def verify_chain(database_url: str, *, service: str) -> Verification:
    """Walk the whole chain in batches; stop at the first broken link."""
    engine = create_engine(database_url, schema=service, pool_size=1)
    checked, after, prev = 0, 0, GENESIS
    try:
        async with session_factory(engine)() as session:
            while batch := await read_chain(session, after_id=after):
                broken = first_broken_link(batch, start=prev)
                if broken is not None:
                    return Verification(checked, broken)
                checked += len(batch)
                after, prev = batch[-1]["id"], batch[-1]["hash"]
    finally:
        await engine.dispose()
    return Verification(checked, None)
