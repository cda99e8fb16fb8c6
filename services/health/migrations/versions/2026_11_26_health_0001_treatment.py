"""Health treatments and mental-health assessments of referred children.

Revision ID: health_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "health_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "health_treatments",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("hospital", sa.Text, nullable=False),
        sa.Column("admitted_at", stamp, nullable=False),
        sa.Column("injury_evidence", sa.Boolean),
        sa.Column("severity", sa.Text),
        sa.Column("findings_at", stamp),
        sa.Column("discharged_to", sa.Text),
        sa.Column("discharged_at", stamp),
        sa.Column("updated_at", stamp, nullable=False),
    )
    op.create_table(
        "health_mental_health_assessments",
        sa.Column("assessment_id", sa.Text, primary_key=True),
        sa.Column("referral_id", sa.Text, nullable=False, index=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("risk", sa.Text, nullable=False),
        sa.Column("follow_up_needed", sa.Boolean, nullable=False),
        sa.Column("assessed_at", stamp, nullable=False),
        sa.Column("recorded_at", stamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("health_mental_health_assessments")
    op.drop_table("health_treatments")
