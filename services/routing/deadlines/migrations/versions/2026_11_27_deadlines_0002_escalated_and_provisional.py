"""When a clock reached the joint meeting office; whether its due time rests on a missing calendar year.

Revision ID: deadlines_0002
Revises: deadlines_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "deadlines_0002"
down_revision = "deadlines_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("routing_sla_clocks", sa.Column("escalated_at", sa.DateTime(timezone=True)))
    op.add_column(
        "routing_sla_clocks",
        sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "routing_sla_clocks_provisional",
        "routing_sla_clocks",
        ["id"],
        postgresql_where=sa.text("due_provisional"),
    )


def downgrade() -> None:
    op.drop_index("routing_sla_clocks_provisional", "routing_sla_clocks")
    op.drop_column("routing_sla_clocks", "due_provisional")
    op.drop_column("routing_sla_clocks", "escalated_at")
