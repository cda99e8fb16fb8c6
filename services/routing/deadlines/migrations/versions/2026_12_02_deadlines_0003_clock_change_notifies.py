"""A change to the clocks notifies the deadline timers, so they sleep until the next checkpoint instead of
polling, and a clock started by any process (another routing replica) wakes them.

Revision ID: deadlines_0003
Revises: deadlines_0002
Create Date: 2026-12-02
"""

from alembic import op

revision = "deadlines_0003"
down_revision = "deadlines_0002"
branch_labels = None
depends_on = None

# The channel the timer LISTENs on (services/routing/deadlines/timer.py); PostgreSQL folds identical
# notifications of one transaction into one, and the trigger runs once per statement, not per row.
CHANNEL = "routing_sla_clocks_changed"


def upgrade() -> None:
    op.execute(
        "CREATE FUNCTION routing_sla_clocks_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER routing_sla_clocks_changed AFTER INSERT OR UPDATE ON routing_sla_clocks "
        "FOR EACH STATEMENT EXECUTE FUNCTION routing_sla_clocks_notify()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER routing_sla_clocks_changed ON routing_sla_clocks")
    op.execute("DROP FUNCTION routing_sla_clocks_notify()")
