"""customer view and notifications

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("escalation_requested_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", UtcDateTime(), nullable=True))

    op.create_table(
        "promise",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.String(length=30), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("as_of", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("complaint_id", "target"),
    )

    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("destination", sa.String(length=2000), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_notification_complaint", ["complaint_id", "created_at"], unique=False)
        batch_op.create_index("ix_notification_created", ["created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_created")
        batch_op.drop_index("ix_notification_complaint")
        batch_op.drop_index("ix_notification_due")

    op.drop_table("notification")
    op.drop_table("promise")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalation_requested_at")
        batch_op.drop_column("merged_into")
        batch_op.drop_column("status_at")
