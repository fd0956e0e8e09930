"""Messaging tables: outbox, inbox, relay lease.

Revision ID: 0001
Revises:
"""

from shared.migrations import messaging_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    messaging_v1.upgrade()


def downgrade() -> None:
    messaging_v1.downgrade()
