"""Detentions record the case intake opened for each child; old outbox rows with children's data go.

The children of a detention used to travel in police.children_without_care_found.v1 through police's
outbox. Those already sent are deleted now rather than at the end of the retention period; any still
unsent are delivered (intake still accepts the type) and purged as usual.

Revision ID: police_0002
Revises: police_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "police_0002"
down_revision = "police_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "police_detentions",
        sa.Column("case_ids", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
    )
    op.alter_column("police_detentions", "case_ids", server_default=None)
    op.execute(
        "DELETE FROM outbox WHERE event_type = 'police.children_without_care_found.v1' "
        "AND sent_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("police_detentions", "case_ids")
