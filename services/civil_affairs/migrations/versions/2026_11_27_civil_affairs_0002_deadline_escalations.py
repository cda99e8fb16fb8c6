"""The joint meeting office's queue also takes deadlines left open at twice their target.

Revision ID: civil_affairs_0002
Revises: civil_affairs_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "civil_affairs_0002"
down_revision = "civil_affairs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "civil_affairs_escalations",
        sa.Column("cause", sa.Text, nullable=False, server_default="referral_declined"),
    )
    op.add_column("civil_affairs_escalations", sa.Column("clock", sa.Text))
    op.add_column("civil_affairs_escalations", sa.Column("subject_id", sa.Text))
    # A case's own deadline (placement, reporter feedback, ...) is about no referral.
    op.alter_column("civil_affairs_escalations", "referral_id", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM civil_affairs_escalations WHERE referral_id IS NULL")
    op.alter_column("civil_affairs_escalations", "referral_id", nullable=False)
    op.drop_column("civil_affairs_escalations", "subject_id")
    op.drop_column("civil_affairs_escalations", "clock")
    op.drop_column("civil_affairs_escalations", "cause")
