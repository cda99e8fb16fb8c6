"""A detained person's children without care go to intake; police keep only the detention and a count."""

from datetime import date

from tests.integration.agencies.agency_support import RunningAgency, error_fields

CHILDREN = [
    {"name": "李小红", "gender": "female", "birth_date": "2019-05-01", "district": "370702"},
    {"name": "李小明", "gender": "male", "age": 4, "id_number": "37070220211203001x", "district": "370702"},
]


async def test_children_go_to_intake_in_the_event_and_nowhere_in_police_tables(police: RunningAgency) -> None:
    body = {
        "detention_reference": "DET-2026-117",
        "district": "370702",
        "area": "urban",
        "children": CHILDREN,
    }

    created = await police.post("detentions", body)

    assert created.status_code == 201, created.text
    detention = created.json()
    assert (detention["detention_reference"], detention["children_count"]) == ("DET-2026-117", 2)
    [envelope] = await police.outbox("police.children_without_care_found.v1")
    assert envelope["subject"] == detention["detention_id"]
    data = envelope["data"]
    assert (data["detention_id"], data["district"], data["area"]) == (
        detention["detention_id"],
        "370702",
        "urban",
    )
    assert [c["name"] for c in data["children"]] == ["李小红", "李小明"]
    assert data["children"][0]["birth_date"] == date(2019, 5, 1).isoformat()
    assert data["children"][1]["id_number"] == "37070220211203001X"

    # The only copy of the children's data in police's schema is the outbox row awaiting (or after) relay.
    tables = await police.scalar(
        "SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = 'police'"
        " AND table_name NOT IN ('outbox', 'inbox') AND table_name NOT LIKE 'alembic_version%'"
    )
    for table in tables.split(","):
        rows = await police.scalar(f"SELECT coalesce(string_agg(t::text, ' '), '') FROM police.{table} t")
        assert "李小" not in rows and "37070220211203001" not in rows, table
    stored = await police.scalar(
        "SELECT children_count FROM police_detentions WHERE detention_id = :i", i=data["detention_id"]
    )
    assert stored == 2

    again = await police.post("detentions", body)
    assert again.status_code == 409
    assert len(await police.outbox("police.children_without_care_found.v1")) == 1


async def test_bad_detention_bodies_name_the_field(police: RunningAgency) -> None:
    base = {"detention_reference": "DET-9", "district": "370702", "area": "urban"}
    no_age = [{"name": "小明", "gender": "male", "district": "370702"}]
    adult = [{"name": "小明", "gender": "male", "birth_date": "2000-01-01", "district": "370702"}]
    bad_id = [{"name": "小明", "gender": "male", "age": 3, "id_number": "12345", "district": "370702"}]

    assert error_fields(await police.post("detentions", base | {"children": []})) == ["children"]
    assert error_fields(await police.post("detentions", base | {"children": no_age})) == ["age"]
    assert error_fields(await police.post("detentions", base | {"children": adult})) == ["birth_date"]
    assert error_fields(await police.post("detentions", base | {"children": bad_id})) == ["id_number"]
    assert error_fields(await police.post("detentions", base | {"district": "37", "children": CHILDREN})) == [
        "district"
    ]
    assert await police.emitted_types() == []
    assert await police.scalar("SELECT count(*) FROM police_detentions") == 0
