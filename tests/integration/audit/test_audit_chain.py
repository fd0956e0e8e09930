"""The audit log on the real database: writers in two replicas at once keep one chain; `redress audit verify`
passes on an intact log and fails on one changed or cut with raw SQL."""

import asyncio
import os
import sys

from sqlalchemy import delete, select, update

from services.escalation.uow import EscalationUow
from shared.audit.check import verify_database
from shared.audit.tables import audit_log
from shared.db import Database

WRITERS_PER_REPLICA = 15


async def record(database: Database, n: int) -> None:
    uow = EscalationUow(database, source="escalation")
    async with uow:
        uow.record_change(actor=f"agent-{n}", action="update", entity="calendar", entity_id=f"cal-{n}",
                          before={"n": n}, after={"n": n + 1})
        await uow.commit()


async def test_writers_in_two_replicas_at_once_keep_one_unbroken_chain(escalation_database):
    replicas = [Database(escalation_database), Database(escalation_database)]
    try:
        await asyncio.gather(*(record(replicas[n % 2], n) for n in range(2 * WRITERS_PER_REPLICA)))
        async with replicas[0].reading() as connection:
            rows = (await connection.execute(select(audit_log.c.seq, audit_log.c.entity_id)
                                             .order_by(audit_log.c.seq))).all()
    finally:
        for database in replicas:
            await database.dispose()
    assert [row.seq for row in rows] == list(range(1, 2 * WRITERS_PER_REPLICA + 1))
    assert sorted(row.entity_id for row in rows) == sorted(f"cal-{n}" for n in range(2 * WRITERS_PER_REPLICA))
    verdict = await verify_database(escalation_database)
    assert verdict.ok and verdict.checked == 2 * WRITERS_PER_REPLICA


async def test_a_rolled_back_change_leaves_no_entry(escalation_database):
    database = Database(escalation_database)
    try:
        uow = EscalationUow(database, source="escalation")
        async with uow:
            uow.record_change(actor="ana", action="update", entity="policy", entity_id="vip", before=None, after={})
        await record(database, 1)
        async with database.reading() as connection:
            actors = (await connection.scalars(select(audit_log.c.actor))).all()
    finally:
        await database.dispose()
    assert actors == ["agent-1"]


async def redress_audit_verify(database_url: str) -> tuple[int, str]:
    env = {**os.environ, "REDRESS_ESCALATION_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "audit", "verify", "escalation", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    return process.returncode or 0, " ".join(output.decode().split())


async def tamper(database_url: str, statement) -> None:
    database = Database(database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(statement)
    finally:
        await database.dispose()


async def test_verify_passes_then_finds_a_row_changed_with_raw_sql(escalation_database):
    database = Database(escalation_database)
    try:
        for n in range(3):
            await record(database, n)
    finally:
        await database.dispose()
    code, output = await redress_audit_verify(escalation_database)
    assert code == 0 and "escalation: 3 entries checked, OK" in output, output

    await tamper(escalation_database, update(audit_log).where(audit_log.c.seq == 2).values(actor="mallory"))
    code, output = await redress_audit_verify(escalation_database)
    assert code == 1 and "escalation: BROKEN at entry 2 (changed)" in output, output


async def test_verify_finds_a_row_deleted_with_raw_sql(escalation_database):
    database = Database(escalation_database)
    try:
        for n in range(3):
            await record(database, n)
    finally:
        await database.dispose()
    await tamper(escalation_database, delete(audit_log).where(audit_log.c.seq == 3))
    code, output = await redress_audit_verify(escalation_database)
    assert code == 1 and "escalation: BROKEN at entry 3 (deleted)" in output, output
