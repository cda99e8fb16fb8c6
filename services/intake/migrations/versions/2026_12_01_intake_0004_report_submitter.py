"""Reports remember the client that submitted them, so a reporting source reads back only its own.

Revision ID: intake_0004
Revises: intake_0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0004"
down_revision = "intake_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("submitted_by", sa.Text))


def downgrade() -> None:
    op.drop_column("reports", "submitted_by")
