"""api keys: hashed keys of frontends, partners and staff tools, with roles, tenant, expiry and rotation

Revision ID: 0009
Revises: 0008
"""

from shared.auth import migration_v1

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    migration_v1.upgrade()


def downgrade() -> None:
    migration_v1.downgrade()
