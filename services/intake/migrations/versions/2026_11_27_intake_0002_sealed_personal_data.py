"""Personal data sealed at rest: children's, reports' and reporters' identifying fields, blind indexes.

Existing rows are sealed under the key ring's current key (the runtime hands the ring to migrations),
then every plaintext column is dropped. Stored idempotency answers are dropped too: their fingerprints
were unkeyed hashes of bodies holding personal data, and cannot be turned into keyed ones.

Revision ID: intake_0002
Revises: intake_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from backbone.sealing import KeyRing
from services.intake.personal_data import context, id_number_index, person_index

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None

# table -> (row id column, fields sealed into sealed_<field>)
SEALED = {
    "children": ("child_id", ("name", "birth_date", "id_number", "school")),
    "reports": ("report_id", ("description", "location_address")),
    "reporter_contacts": ("report_id", ("name", "organization", "phone")),
}


def upgrade() -> None:
    op.add_column("children", sa.Column("id_number_index", sa.Text))
    op.add_column("children", sa.Column("person_index", sa.Text))
    for table, (_, fields) in SEALED.items():
        for field in fields:
            op.add_column(table, sa.Column(f"sealed_{field}", sa.Text))
    _seal_existing_rows()
    op.drop_index("children_id_number", table_name="children")
    op.drop_index("children_person", table_name="children")
    for table, (_, fields) in SEALED.items():
        for field in fields:
            op.drop_column(table, field)
    op.alter_column("reports", "sealed_description", nullable=False)
    op.alter_column("reporter_contacts", "sealed_name", nullable=False)
    op.alter_column("reporter_contacts", "sealed_phone", nullable=False)
    op.create_index(
        "children_id_number_index",
        "children",
        ["id_number_index"],
        unique=True,
        postgresql_where=sa.text("id_number_index IS NOT NULL"),
    )
    op.create_index("children_person_index", "children", ["person_index"])
    op.execute("DELETE FROM report_idempotency_keys")


def _seal_existing_rows() -> None:
    connection = op.get_bind()
    if not any(connection.scalar(sa.text(f"SELECT EXISTS (SELECT 1 FROM {t})")) for t in SEALED):
        return
    ring: KeyRing | None = op.get_context().config.attributes.get("key_ring")
    if ring is None:
        raise RuntimeError("intake holds plaintext personal data to seal, but no key ring was given")
    for table, (row_id, fields) in SEALED.items():
        columns = ", ".join([*fields, "district"] if table == "children" else fields)
        for row in connection.execute(sa.text(f"SELECT {row_id}, {columns} FROM {table}")).mappings():
            values = {
                f"sealed_{f}": None
                if row[f] is None
                else ring.seal(str(row[f]), context=context(table, f, row[row_id]))
                for f in fields
            }
            if table == "children":
                values["id_number_index"] = (
                    id_number_index(ring, row["id_number"]) if row["id_number"] else None
                )
                values["person_index"] = (
                    person_index(ring, row["name"], row["birth_date"], row["district"])
                    if row["name"] is not None and row["birth_date"] is not None
                    else None
                )
            assignments = ", ".join(f"{c} = :{c}" for c in values)
            connection.execute(
                sa.text(f"UPDATE {table} SET {assignments} WHERE {row_id} = :row_id"),
                {**values, "row_id": row[row_id]},
            )


def downgrade() -> None:
    raise NotImplementedError("sealed personal data is not unsealed back into plaintext columns")
