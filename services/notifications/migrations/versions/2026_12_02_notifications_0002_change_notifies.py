"""A new delivery, an attempt recorded or a subscription paused or resumed notifies the delivery workers,
so an idle worker sleeps until the next retry is due instead of polling.

Revision ID: notifications_0002
Revises: notifications_0001
Create Date: 2026-12-02
"""

from alembic import op

revision = "notifications_0002"
down_revision = "notifications_0001"
branch_labels = None
depends_on = None

# The channel the worker LISTENs on (services/notifications/deliveries/worker.py); once per statement,
# and PostgreSQL folds a transaction's identical notifications into one.
CHANNEL = "notification_deliveries_changed"
TABLES = ("notification_deliveries", "notification_subscriptions")


def upgrade() -> None:
    op.execute(
        "CREATE FUNCTION notification_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notification_deliveries_notify()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_changed ON {table}")
    op.execute("DROP FUNCTION notification_deliveries_notify()")
