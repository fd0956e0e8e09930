"""api keys: hashed keys of frontends, partners and staff tools, with roles, tenant, expiry and rotation

Revision ID: 0005
Revises: 0004
"""

from shared.auth import migration_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v1.upgrade()


def downgrade() -> None:
    migration_v1.downgrade()
