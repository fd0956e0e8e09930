"""Revision 0004 on a database seeded before it: shipped policies still as shipped get a first response within 24
hours round the clock, audited; a policy the operator edited is left alone; downgrading puts the seed back."""

from datetime import UTC, datetime
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import select, update

from services.catalog import SERVICES
from services.escalation.models import AuditEntry, SlaClock, SlaComplaint, SlaPolicy
from services.escalation.webhooks.models import WebhookDelivery, WebhookSubscription
from shared.db import Database
from shared.migrations import downgrade, upgrade

MIGRATIONS = SERVICES["escalation"].migrations_dir
OLD_SEED = {"standard": {"minutes": 1440, "business_hours": True, "calendar": "cn-standard"},
            "high": {"minutes": 480, "business_hours": True, "calendar": "cn-standard"}}
EDITED = {"minutes": 600, "business_hours": True, "calendar": "cn-standard"}


async def first_responses(database: Database) -> dict[str, dict]:
    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(SlaPolicy.id, SlaPolicy.targets))).all()
    return {policy_id: targets["first_response"] for policy_id, targets in rows}


async def test_policies_seeded_before_0004_promise_a_first_response_within_a_day(database_url):
    await upgrade(MIGRATIONS, database_url, "0003")
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            for policy_id, target in {**OLD_SEED, "high": EDITED}.items():
                targets = (await connection.execute(select(SlaPolicy.targets).where(SlaPolicy.id == policy_id))
                           ).scalar_one()
                await connection.execute(update(SlaPolicy).where(SlaPolicy.id == policy_id)
                                         .values(targets={**targets, "first_response": target}))
        await upgrade(MIGRATIONS, database_url)
        moved = await first_responses(database)
        assert moved["standard"] == {"minutes": 1440, "business_hours": False, "calendar": "24x7"}
        assert moved["high"] == EDITED
        async with database.engine.connect() as connection:
            audited = (await connection.execute(select(AuditEntry.entity_id, AuditEntry.actor))).all()
        assert audited == [("standard", "migration 0004")]

        await downgrade(MIGRATIONS, database_url, "0003")
        back = await first_responses(database)
        assert (back["standard"], back["high"]) == (OLD_SEED["standard"], EDITED)
    finally:
        await database.dispose()


def _before_0010(table: sa.Table) -> sa.TableClause:
    """The table as it was before 0010 gave it a tenant."""
    return sa.table(table.name, *[sa.column(c.name, c.type) for c in table.c if c.name != "tenant"])


async def test_0010_gives_clocks_and_deliveries_their_complaints_tenant(database_url):
    await upgrade(MIGRATIONS, database_url, "0009")
    database = Database(database_url)
    known, unknown, subscription, now = uuid4(), uuid4(), uuid4(), datetime.now(UTC)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(sa.insert(SlaComplaint).values(
                id=known, tenant="acme", escalation_level=0, created_at=now, updated_at=now))
            await connection.execute(sa.insert(_before_0010(SlaClock.__table__)), [dict(
                id=uuid4(), complaint_id=complaint_id, target="resolution", policy_id="standard", state="running",
                business_hours=False, calendar="24x7", target_minutes=60.0, thresholds=[], warned=[],
                escalated_after_breach=[], started_at=now, elapsed_s=0.0, due_at=now, created_at=now,
                updated_at=now) for complaint_id in (known, unknown)])
            await connection.execute(sa.insert(_before_0010(WebhookSubscription.__table__)).values(
                id=subscription, url="http://127.0.0.1/hook", description="", filters=["*"], active=True,
                secret="whsec_x", failed_deliveries=0, created_at=now, updated_at=now))
            await connection.execute(sa.insert(_before_0010(WebhookDelivery.__table__)), [dict(
                id=uuid4(), subscription_id=subscription, event_id=str(uuid4()), event_type="t",
                complaint_id=complaint_id, payload="{}", state="succeeded", attempts=1, next_attempt_at=now,
                created_at=now) for complaint_id in (known, unknown)])
        await upgrade(MIGRATIONS, database_url)
        async with database.engine.connect() as connection:
            for model in (SlaClock, WebhookDelivery):
                rows = dict((await connection.execute(sa.select(model.complaint_id, model.tenant))).all())
                assert rows == {known: "acme", unknown: "default"}, model
        await downgrade(MIGRATIONS, database_url, "0009")
        async with database.engine.connect() as connection:
            clocks = _before_0010(SlaClock.__table__)
            assert await connection.scalar(sa.select(sa.func.count()).select_from(clocks)) == 2
    finally:
        await database.dispose()
