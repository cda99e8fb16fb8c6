"""Webhook subscriptions, their deliveries and the agencies addressed on each case.

Revision ID: notifications_0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "notifications_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_subscriptions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("agency", sa.Text, nullable=False),
        # The districts of the system that subscribed: it receives events of cases there only.
        sa.Column("districts", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("sealed_secret", sa.Text, nullable=False),
        sa.Column("sealed_previous_secret", sa.Text),
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("notification_subscriptions_agency", "notification_subscriptions", ["agency"])
    op.create_table(
        "notification_deliveries",
        # Also the order deliveries were queued in: a case's deliveries go out in this order.
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("webhook_id", sa.Text, nullable=False, unique=True),
        sa.Column("subscription_id", sa.Text, sa.ForeignKey("notification_subscriptions.id"), nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        # The exact bytes signed and sent, so every attempt sends the same body under the same id.
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("failed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # Where the retry window starts: when queued, or when an agency asked for a failed one again.
        sa.Column("retry_from", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("subscription_id", "event_id", name="notification_deliveries_once"),
    )
    op.create_index(
        "notification_deliveries_due",
        "notification_deliveries",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "notification_deliveries_case_queue",
        "notification_deliveries",
        ["subscription_id", "case_id", "id"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index("notification_deliveries_listing", "notification_deliveries", ["agency", "state", "id"])
    op.create_table(
        "notification_case_agencies",
        sa.Column("case_id", sa.Text, primary_key=True),
        sa.Column("agency", sa.Text, primary_key=True),
        sa.Column("district", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notification_case_agencies")
    op.drop_table("notification_deliveries")
    op.drop_table("notification_subscriptions")
