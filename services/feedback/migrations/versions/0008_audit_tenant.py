"""audit log: the tenant of each entry, so that supervisors read only their own tenant's changes

Revision ID: 0008
Revises: 0007
"""

from shared.audit import migration_v2

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v2.upgrade()


def downgrade() -> None:
    migration_v2.downgrade()
