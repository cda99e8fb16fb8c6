"""A set insert keeps each row's text array whole (unnest would flatten them), a NULL array NULL, and
returns only the rows it inserted."""

from sqlalchemy import Column, MetaData, Table, Text, text
from sqlalchemy.dialects.postgresql import ARRAY

from backbone.db import create_engine, insert_rows_ignoring_conflict, session_factory

metadata = MetaData()
tagged = Table(
    "tagged",
    metadata,
    Column("tag_id", Text, primary_key=True),
    Column("labels", ARRAY(Text), nullable=True),
    Column("note", Text, nullable=True),
)


async def test_text_arrays_survive_a_set_insert(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url, schema="public")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(text("INSERT INTO tagged VALUES ('t-0', '{kept}', 'there first')"))
        rows = [
            {"tag_id": "t-0", "labels": ["replaced?"], "note": "conflict"},
            {"tag_id": "t-1", "labels": ["abuse", 'neglect, "quoted"', "{braces}"], "note": None},
            {"tag_id": "t-2", "labels": [], "note": "empty"},
            {"tag_id": "t-3", "labels": None, "note": "none"},
            {"tag_id": "t-4", "labels": ["留守儿童"], "note": "one"},
        ]
        async with session_factory(engine)() as session:
            inserted = await insert_rows_ignoring_conflict(
                session, tagged, rows, conflict="(tag_id)", returning="tag_id"
            )
            await session.commit()
        assert sorted(inserted) == ["t-1", "t-2", "t-3", "t-4"]
        async with engine.connect() as connection:
            stored = dict((await connection.execute(text("SELECT tag_id, labels FROM tagged"))).all())
        assert stored == {
            "t-0": ["kept"],
            "t-1": ["abuse", 'neglect, "quoted"', "{braces}"],
            "t-2": [],
            "t-3": None,
            "t-4": ["留守儿童"],
        }
    finally:
        await engine.dispose()
