"""`python -m services.intake.rekey`: after a new current key, every sealed value is sealed under it."""

import json

import pytest
from sqlalchemy import text

from backbone.sealing import Algorithm, UnknownKey, new_key, ring_from_json
from services.intake.rekey import rekey
from tests.integration.intake.intake_api import CHILD_NAME, Intake, build_report
from tests.support.system import TEST_SEALING_KEYS

SEALED_COLUMNS = {
    "children": ("sealed_name", "sealed_birth_date", "sealed_id_number", "sealed_school"),
    "reports": ("sealed_description", "sealed_location_address"),
    "reporter_contacts": ("sealed_name", "sealed_organization", "sealed_phone"),
}


async def _key_ids(intake: Intake) -> set[str]:
    ids = set()
    for table, columns in SEALED_COLUMNS.items():
        for column in columns:
            values = await intake.rows(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
            ids |= {value.split(".")[1] + "." + value.split(".")[2] for (value,) in values}
    return ids


async def test_rekey_seals_every_row_under_the_new_current_key(intake: Intake) -> None:
    first = await intake.accepted(build_report(**{"child.school": "潍坊市实验小学"}))
    other_child = {"child.name": "李小红", "child.id_number": None, "source": "public"}
    await intake.accepted(build_report(**other_child))
    assert await _key_ids(intake) == {"aes256gcm.k1"}
    content = json.loads(TEST_SEALING_KEYS)
    content["keys"]["k2"] = new_key(Algorithm.SM4_GCM)
    content["current"] = "k2"
    rotated = ring_from_json(content)
    engine = intake.system.runtime("intake").engine

    count = await rekey(engine=engine, ring=rotated, batch_size=1)

    assert count.resealed == {"children": 2, "reports": 2, "reporter_contacts": 2}
    assert await _key_ids(intake) == {"sm4gcm.k2"}
    async with engine.connect() as connection:
        sealed_name = await connection.scalar(
            text("SELECT sealed_name FROM children WHERE child_id = :c"), {"c": first["child_id"]}
        )
    context = f"intake.children.name:{first['child_id']}"
    assert rotated.open(sealed_name, context=context) == CHILD_NAME
    old_ring = ring_from_json({**content, "keys": {"k1": content["keys"]["k1"]}, "current": "k1"})
    with pytest.raises(UnknownKey):
        old_ring.open(sealed_name, context=context)
    again = await rekey(engine=engine, ring=rotated)
    assert again.resealed == {"children": 0, "reports": 0, "reporter_contacts": 0}
