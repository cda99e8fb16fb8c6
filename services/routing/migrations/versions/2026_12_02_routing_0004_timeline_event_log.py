"""The case timeline becomes the case's event log: each envelope once, keyed by its id, with its data.

New rows hold the envelope's data and no rendered line (the timeline is rendered when read); rows
written before keep their rendered `summary`, `occurred_at` and `referral_id`, and no data. The log is
append-only: a trigger refuses to change or delete a row.

Revision ID: routing_0004
Revises: routing_0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "routing_0004"
down_revision = "routing_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("routing_timeline", sa.Column("data", JSONB))
    op.alter_column("routing_timeline", "summary", existing_type=sa.Text, nullable=True)
    # An envelope is about one case: its id alone keys it.
    op.create_unique_constraint("routing_timeline_event", "routing_timeline", ["event_id"])
    op.drop_constraint("routing_timeline_case_event", "routing_timeline", type_="unique")
    op.execute(
        """
        CREATE FUNCTION routing_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the case event log is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER routing_timeline_no_change BEFORE UPDATE OR DELETE ON routing_timeline "
        "FOR EACH ROW EXECUTE FUNCTION routing_timeline_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER routing_timeline_no_change ON routing_timeline")
    op.execute("DROP FUNCTION routing_timeline_append_only()")
    op.create_unique_constraint("routing_timeline_case_event", "routing_timeline", ["case_id", "event_id"])
    op.drop_constraint("routing_timeline_event", "routing_timeline", type_="unique")
    # The rendered line the old code shows; the type stands in for it (rendering needs the code).
    op.execute("UPDATE routing_timeline SET summary = event_type WHERE summary IS NULL")
    op.alter_column("routing_timeline", "summary", existing_type=sa.Text, nullable=False)
    op.drop_column("routing_timeline", "data")
