"""erasure confirmations: which services have erased their copy of an erased complaint

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_confirmation",
        sa.Column("complaint_id", sa.Uuid(), sa.ForeignKey("complaint.id", ondelete="CASCADE"), nullable=False),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", "service"),
    )


def downgrade() -> None:
    op.drop_table("erasure_confirmation")
