"""An intake that held plaintext personal data (intake_0001) is sealed by intake_0002 on upgrade."""

from pathlib import Path

from alembic import command
from sqlalchemy import text

from backbone.db import create_engine
from backbone.migrations import alembic_config
from tests.integration.intake.intake_api import Intake, build_report, resident_id
from tests.support.system import running_system

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "intake" / "migrations"
ID_NUMBER = resident_id("20150607")


async def _intake_at_0001_with_plaintext(database_url: str) -> None:
    engine = create_engine(database_url, schema="intake")

    def upgrade(connection) -> None:
        config = alembic_config(MIGRATIONS, schema="intake", version_table="alembic_version_intake")
        config.attributes["connection"] = connection
        command.upgrade(config, "intake_0001")

    async with engine.begin() as connection:
        await connection.execute(text("CREATE SCHEMA intake"))
        await connection.run_sync(upgrade)
        await connection.execute(
            text(
                "INSERT INTO children VALUES ('c-old', '旧档童名', 'male', '2015-06-07', :id, '370702', NULL,"
                " now(), now())"
            ),
            {"id": ID_NUMBER},
        )
        await connection.execute(
            text(
                "INSERT INTO intake_cases VALUES"
                " ('case-old', 'c-old', 'r-old', '{abuse}', now(), now(), NULL, NULL)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO reports VALUES ('r-old', 'c-old', 'case-old', NULL, 'school', '{abuse}',"
                " '旧描述', now(), now(), '370702', '旧地址', 'urban', false, true, NULL, 9, NULL)"
            )
        )
        await connection.execute(
            text("INSERT INTO reporter_contacts VALUES ('r-old', '旧报告人', NULL, '13900001111', true)")
        )
    await engine.dispose()


async def test_plaintext_rows_are_sealed_and_still_found(fresh_database_url: str) -> None:
    await _intake_at_0001_with_plaintext(fresh_database_url)

    async with running_system(fresh_database_url, ["intake"]) as (system, client):
        intake = Intake(system, client)
        rows = [await intake.rows(f"SELECT * FROM {t}") for t in ("children", "reports", "reporter_contacts")]
        plaintext = ("旧档童名", ID_NUMBER, "旧描述", "旧地址", "旧报告人", "13900001111")
        assert not any(m in str(rows) for m in plaintext)
        async with system.callers.client("supervisor") as supervisor:  # a report older than its submitter
            shown = (await supervisor.get("/intake/v1/reports/r-old")).json()
        assert (shown["child"]["display_name"], shown["incident"]["description"]) == ("旧***", "旧描述")
        again = await intake.accepted(build_report(**{"child.name": "别名", "child.id_number": ID_NUMBER}))
        assert again["child_id"] == "c-old"  # found by the blind index the migration computed
