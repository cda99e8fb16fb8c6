"""`python -m services.intake.rekey`: seal every row of intake's personal data under the current key.

Rotating a data key: `python -m services.intake.rekey --new-key [--algorithm sm4gcm]` adds a fresh
key to the key file, makes it current (old keys stay, so nothing becomes unreadable meanwhile) and
re-seals every row under it; with SEALING_KEYS given inline, put the new key in and make it current
first, then run without `--new-key`. The blind indexes are recomputed on the way, so the same command
follows a change of the index key. Rows are re-sealed in batches, each its own transaction, locked
while it is rewritten; the command can be run again after an interruption.

Run it while intake is stopped (with `./run.sh` stopped for the embedded database): a running intake
holds the ring it started with and could not open values sealed under a key it has not loaded. In
distributed mode, first restart every intake replica on the ring holding the new key, then run this.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import SQLModel

import services.intake.service  # noqa: F401  (every intake table, so foreign keys resolve)
from backbone.db import create_engine, session_factory, start_embedded_postgres
from backbone.logging import configure_logging
from backbone.sealing import Algorithm, KeyRing, load_key_ring, rotate_key_file
from backbone.settings import Settings, get_settings
from services.intake.children.models import ChildFile
from services.intake.personal_data import (
    SEALED_TABLES,
    SealedTable,
    identity_of,
    indexes_of,
    open_all,
    open_child,
    seal_child,
    seal_into,
)

log = logging.getLogger(__name__)
BATCH_SIZE = 500


@dataclass
class RekeyCount:
    resealed: dict[str, int] = field(default_factory=dict)
    already_current: dict[str, int] = field(default_factory=dict)


async def rekey_batch(
    *, session: AsyncSession, ring: KeyRing, table: SealedTable, after: str | None, limit: int
) -> tuple[str | None, int, int]:
    """Re-seal one batch of a table (rows after `after`, locked); the last row id, resealed, current."""
    row_id = getattr(table.model, table.row_id)
    query = select(table.model).order_by(row_id).limit(limit).with_for_update()
    if after is not None:
        query = query.where(row_id > after)
    rows = (await session.scalars(query)).all()
    resealed = 0
    for row in rows:
        if not _needs_rekey(ring, row, table):
            continue
        if isinstance(row, ChildFile):
            seal_child(ring, row, open_child(ring, row))
        else:
            seal_into(ring, row, **open_all(ring, row))
        resealed += 1
    await session.flush()
    last = getattr(rows[-1], table.row_id) if rows else None
    return last, resealed, len(rows) - resealed


def _needs_rekey(ring: KeyRing, row: SQLModel, table: SealedTable) -> bool:
    """A value sealed under an older key, or (for a child) blind indexes made with another index key."""
    sealed = [getattr(row, f"sealed_{f}") for f in table.fields]
    if not all(ring.is_current(s) for s in sealed if s is not None):
        return True
    if isinstance(row, ChildFile):
        indexes = indexes_of(ring, identity_of(open_child(ring, row)))
        return (indexes.id_number, indexes.person) != (row.id_number_index, row.person_index)
    return False


async def rekey(*, engine: AsyncEngine, ring: KeyRing, batch_size: int = BATCH_SIZE) -> RekeyCount:
    """Re-seal every sealed row under the ring's current key, one committed batch at a time."""
    count = RekeyCount()
    sessions = session_factory(engine)
    for table in SEALED_TABLES:
        name = table.model.__tablename__  # type: ignore[attr-defined]
        after: str | None = None
        count.resealed[name] = count.already_current[name] = 0
        while True:
            async with sessions() as session, session.begin():
                after, resealed, current = await rekey_batch(
                    session=session, ring=ring, table=table, after=after, limit=batch_size
                )
            count.resealed[name] += resealed
            count.already_current[name] += current
            if after is None:
                break
    log.info(
        "rekey finished",
        extra={
            "current_key": ring.current,
            "resealed": count.resealed,
            "already_current": count.already_current,
        },
    )
    return count


async def main(settings: Settings, *, new_key: bool, algorithm: Algorithm) -> RekeyCount:
    configure_logging(settings.log_level)
    path = settings.resolved_sealing_key_file
    if new_key:
        if settings.sealing_keys:
            raise SystemExit(
                "SEALING_KEYS is given inline: add the new key there, then run without --new-key"
            )
        log.info("new data key made current", extra={"key_id": rotate_key_file(path, algorithm)})
    ring = load_key_ring(inline=settings.sealing_keys, path=path, create=False)
    database_url = settings.database_url or await asyncio.to_thread(
        start_embedded_postgres, settings.data_dir
    )
    engine = create_engine(database_url, schema="intake")
    try:
        return await rekey(engine=engine, ring=ring)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new-key", action="store_true", help="add a fresh data key and make it current")
    parser.add_argument("--algorithm", type=Algorithm, default=Algorithm.AES_256_GCM, choices=list(Algorithm))
    arguments = parser.parse_args()
    asyncio.run(main(get_settings(), new_key=arguments.new_key, algorithm=arguments.algorithm))
