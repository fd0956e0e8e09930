"""the shipped policies promise a first response within 24 hours

Revision ID: 0004
Revises: 0003

The first shipped "standard" policy counted its first response in business minutes of cn-standard (1,440 of them
are three working days) and "high" in one working day, which can span a weekend; the promise made to customers
(and intake's acknowledgement) is a first response within 24 hours. Only policies still as shipped are changed:
an edited policy is the operator's. New databases get the new targets from 0002 already, so this changes (and
audits) only databases seeded before.
"""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

from shared.db_types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SHIPPED = {"standard": {"minutes": 1440, "business_hours": True, "calendar": "cn-standard"},
           "high": {"minutes": 480, "business_hours": True, "calendar": "cn-standard"}}
WITHIN_A_DAY = {"standard": {"minutes": 1440, "business_hours": False, "calendar": "24x7"},
                "high": {"minutes": 480, "business_hours": False, "calendar": "24x7"}}

policy = sa.table("sla_policy", sa.column("id", sa.String), sa.column("targets", sa.JSON),
                  sa.column("version", sa.Integer), sa.column("updated_at", UtcDateTime()))
audit = sa.table("sla_audit", sa.column("id", sa.Uuid), sa.column("entity", sa.String),
                 sa.column("entity_id", sa.String), sa.column("action", sa.String), sa.column("actor", sa.String),
                 sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("at", UtcDateTime()))


def upgrade() -> None:
    _move_first_response(SHIPPED, WITHIN_A_DAY)


def downgrade() -> None:
    _move_first_response(WITHIN_A_DAY, SHIPPED)


def _move_first_response(expected: dict[str, dict], wanted: dict[str, dict]) -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    rows = connection.execute(sa.select(policy.c.id, policy.c.targets, policy.c.version)
                              .where(policy.c.id.in_(list(expected)))).all()
    for policy_id, targets, version in rows:
        if targets.get("first_response") != expected[policy_id]:
            continue
        changed = {**targets, "first_response": wanted[policy_id]}
        connection.execute(sa.update(policy).where(policy.c.id == policy_id)
                           .values(targets=changed, version=version + 1, updated_at=now))
        connection.execute(sa.insert(audit).values(
            id=uuid4(), entity="policy", entity_id=policy_id, action="update", actor=f"migration {revision}",
            before={"targets": targets}, after={"targets": changed}, at=now))
