"""Police emergency responses and detentions with children without care.

Revision ID: police_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "police_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "police_responses",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("dispatched_at", stamp, nullable=False),
        sa.Column("arrived_at", stamp),
        sa.Column("resolved_at", stamp),
        sa.Column("outcome", sa.Text),
        sa.Column("injury_found", sa.Boolean),
        sa.Column("criminal_case_number", sa.Text),
        sa.Column("updated_at", stamp, nullable=False),
    )
    # Only the detention and a count: the children's names and ids go to intake in the event, not here.
    op.create_table(
        "police_detentions",
        sa.Column("detention_id", sa.Text, primary_key=True),
        sa.Column("detention_reference", sa.Text, nullable=False, unique=True),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("children_count", sa.Integer, sa.CheckConstraint("children_count > 0"), nullable=False),
        sa.Column("found_at", stamp, nullable=False),
        sa.Column("reported_at", stamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("police_detentions")
    op.drop_table("police_responses")
