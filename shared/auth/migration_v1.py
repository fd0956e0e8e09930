"""API key table, first version: called by one migration of each service.

Frozen: a later change to the table gets a migration_v2 module and a new migration per service."""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("replaced_by", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("api_key")
