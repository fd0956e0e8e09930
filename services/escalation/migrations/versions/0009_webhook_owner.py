"""webhook owner: the tenant and the key (by name) or token subject that made a subscription

Revision ID: 0009
Revises: 0008

A partner sees and changes only its own subscriptions. Rows from before have no owner: only admins see them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webhook_subscription", sa.Column("owner_tenant", sa.String(64), nullable=True))
    op.add_column("webhook_subscription", sa.Column("owner", sa.String(200), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN on SQLite too (3.35+): a batch rebuild would drop the table and, through its foreign keys,
    # the deliveries that refer to it.
    op.execute("ALTER TABLE webhook_subscription DROP COLUMN owner")
    op.execute("ALTER TABLE webhook_subscription DROP COLUMN owner_tenant")
