"""Revision 0004 on a database seeded before it: shipped policies still as shipped get a first response within 24
hours round the clock, audited; a policy the operator edited is left alone; downgrading puts the seed back."""

from sqlalchemy import select, update

from services.catalog import SERVICES
from services.escalation.models import AuditEntry, SlaPolicy
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
