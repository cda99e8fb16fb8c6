"""Emergency referrals of other agencies, so a case is not closed while one is open.

Revision ID: civil_affairs_0003
Revises: civil_affairs_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "civil_affairs_0003"
down_revision = "civil_affairs_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "civil_affairs_emergencies",
        sa.Column("referral_id", sa.Text, primary_key=True),
        sa.Column("case_id", sa.Text, nullable=False, index=True),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("civil_affairs_emergencies")
