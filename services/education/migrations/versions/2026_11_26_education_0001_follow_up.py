"""Education follow-ups and aid enrolments of referred children.

Revision ID: education_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "education_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    stamp = sa.DateTime(timezone=True)
    op.create_table(
        "education_follow_ups",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("school", sa.Text),
        sa.Column("contacted_at", stamp),
        sa.Column("return_school", sa.Text),
        sa.Column("planned_return_date", sa.Date),
        sa.Column("plan_made_at", stamp),
        sa.Column("psychological_support_started_at", stamp),
        sa.Column("updated_at", stamp, nullable=False),
    )
    op.create_table(
        "education_aid_enrolments",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("programme", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("enrolled_at", stamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("education_aid_enrolments")
    op.drop_table("education_follow_ups")
