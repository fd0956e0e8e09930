"""linked submissions: find a complaint's stored duplicates

Revision ID: 0005
Revises: 0004

Partial: nearly every row has no duplicate_of, and a full index on it tempts SQLite into using it for the
listing's `duplicate_of IS NULL` and then sorting the whole table (seconds at a million rows).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_complaint_duplicate_of", "complaint", ["duplicate_of"], unique=False,
                    sqlite_where=sa.text("duplicate_of IS NOT NULL"),
                    postgresql_where=sa.text("duplicate_of IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_complaint_duplicate_of", table_name="complaint")
