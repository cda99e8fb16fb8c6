"""Police detentions received by intake, and the reports made of their children.

Revision ID: intake_0003
Revises: intake_0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "intake_detentions",
        sa.Column("detention_id", sa.Text, primary_key=True),
        sa.Column("detention_reference", sa.Text, nullable=False, unique=True),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("found_at", stamp, nullable=False),
        sa.Column("received_at", stamp, nullable=False),
    )
    op.add_column(
        "reports", sa.Column("detention_id", sa.Text, sa.ForeignKey("intake_detentions.detention_id"))
    )
    op.create_index("ix_reports_detention_id", "reports", ["detention_id"])


def downgrade() -> None:
    op.drop_index("ix_reports_detention_id", table_name="reports")
    op.drop_column("reports", "detention_id")
    op.drop_table("intake_detentions")
