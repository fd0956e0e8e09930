"""the tenant a complaint belongs to

Revision ID: 0008
Revises: 0007

complaint.received names the organisation a complaint belongs to; rows from before belong to `default`. Plain ADD
and DROP COLUMN (no table rebuild) keep the rows that refer to the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaint", sa.Column("tenant", sa.String(64), nullable=False, server_default="default"))


def downgrade() -> None:
    # A plain DROP COLUMN on SQLite too (3.35+): a batch rebuild would drop the table, and with it, through
    # ON DELETE CASCADE, every row that refers to it.
    op.execute("ALTER TABLE complaint DROP COLUMN tenant")
