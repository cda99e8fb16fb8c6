"""State changes and personal-data reads are audited with their effects; the chain shows tampering."""

import asyncpg
import pytest

from backbone.audit.verify import verify_chain
from backbone.db import asyncpg_url
from tests.integration.identity.conftest import Seeded


def _plain(url: str) -> str:
    return asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://")


async def test_changes_and_personal_data_reads_are_recorded_and_chained(seeded: Seeded) -> None:
    referral_id = seeded.ids["police.referral_id"]
    async with seeded.as_("police-dispatch") as police:
        accepted = await police.post(
            f"/police/v1/referrals/{referral_id}/accept", json={"officer": "officer-007"}
        )
        assert accepted.status_code == 200, accepted.text
        refused = await police.post(f"/police/v1/referrals/{referral_id}/decline", json={})
        assert refused.status_code == 422  # refused input changes nothing, so nothing is recorded
    async with seeded.as_("civil-affairs-cases") as caseworker:
        read = await caseworker.get(
            f"/intake/v1/children/{seeded.ids['child_id']}/personal-data", params={"purpose": "assessment"}
        )
        assert read.status_code == 200 and read.json()["name"] == "测试儿童"
        no_purpose = await caseworker.get(f"/intake/v1/children/{seeded.ids['child_id']}/personal-data")
        assert no_purpose.status_code == 422

    async with seeded.as_("police-supervisor") as supervisor:
        police_trail = (await supervisor.get("/police/v1/audit", params={"resource": referral_id})).json()
    [record] = police_trail["items"]
    assert (record["action"], record["client_id"], record["agency"], record["role"]) == (
        "accept referral",
        "police-dispatch",
        "police",
        "system",
    )
    assert record["resource"]["referral_id"] == referral_id and record["trace_id"]
    async with seeded.as_("joint-office") as office:
        intake_trail = (await office.get("/intake/v1/audit", params={"actor": "civil-affairs-cases"})).json()
    [read_record] = intake_trail["items"]
    assert (read_record["action"], read_record["purpose"]) == ("read child's personal data", "assessment")
    assert "测试儿童" not in str(intake_trail)

    database_url = seeded.system.database_url
    assert (await verify_chain(database_url, service="police")).broken is None
    intake_chain = await verify_chain(database_url, service="intake")
    assert intake_chain.broken is None and intake_chain.checked >= 2  # the report POST and the read


async def test_the_service_cannot_rewrite_and_an_altered_row_breaks_the_chain(seeded: Seeded) -> None:
    database_url = seeded.system.database_url
    runtime = seeded.system.runtime("intake")
    async with runtime.engine.connect() as connection:
        with pytest.raises(Exception, match="append-only"):
            await connection.exec_driver_sql("UPDATE audit_log SET purpose = 'x'")
    async with runtime.engine.connect() as connection:
        with pytest.raises(Exception, match="append-only"):
            await connection.exec_driver_sql("DELETE FROM audit_log")

    first = (await verify_chain(database_url, service="intake")).checked
    assert first >= 1
    # Someone with the database owner's powers bypasses the trigger and edits history.
    owner = await asyncpg.connect(_plain(database_url))
    try:
        await owner.execute("SET session_replication_role = replica")
        tampered = await owner.fetchval(
            "UPDATE intake.audit_log SET client_id = 'someone-else' "
            "WHERE id = (SELECT min(id) FROM intake.audit_log) RETURNING id"
        )
    finally:
        await owner.close()
    result = await verify_chain(database_url, service="intake")
    assert result.broken is not None and result.broken.record_id == tampered
