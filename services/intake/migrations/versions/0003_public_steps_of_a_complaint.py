"""public steps of a complaint

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_step",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("public_step", schema=None) as batch_op:
        batch_op.create_index("ix_public_step_complaint_at", ["complaint_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("public_step", schema=None) as batch_op:
        batch_op.drop_index("ix_public_step_complaint_at")

    op.drop_table("public_step")
