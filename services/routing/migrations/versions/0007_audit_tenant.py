"""audit log: the tenant of each entry, so that supervisors read only their own tenant's changes

Revision ID: 0007
Revises: 0006
"""

from shared.audit import migration_v2

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v2.upgrade()


def downgrade() -> None:
    migration_v2.downgrade()
