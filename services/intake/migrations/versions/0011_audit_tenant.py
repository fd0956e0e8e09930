"""audit log: the tenant of each entry, so that supervisors read only their own tenant's changes

Revision ID: 0011
Revises: 0010
"""

from shared.audit import migration_v2

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v2.upgrade()


def downgrade() -> None:
    migration_v2.downgrade()
