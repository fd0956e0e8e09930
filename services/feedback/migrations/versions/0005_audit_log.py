"""audit log: hash-chained entries of staff changes and the head of their chain

Revision ID: 0005
Revises: 0004
"""

from shared.audit import migration_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v1.upgrade()


def downgrade() -> None:
    migration_v1.downgrade()
