"""Writing to and reading from a service's audit log.

`append` runs inside the transaction of the change it records. It locks the head row first (SELECT ... FOR
UPDATE on PostgreSQL; on SQLite every writer already holds the database lock from BEGIN IMMEDIATE), so that
concurrent writers, in one process or in several replicas, take turns: sequence numbers and links never fork,
and the order of the chain is the order of the commits."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.audit.chain import Change, Entry, Head, seal
from shared.audit.tables import HEAD_ID, audit_head, audit_log

READ_BATCH = 1000


async def append(session: AsyncSession, changes: Sequence[Change], *, service: str) -> list[Entry]:
    """Chain `changes` onto the log in the session's transaction; they commit (or vanish) with it."""
    head = await _locked_head(session)
    entries = []
    for change in changes:
        entry = seal(change, service=service, after_head=head)
        entries.append(entry)
        head = Head(seq=entry.seq, hash=entry.hash)
    if entries:
        await session.execute(audit_log.insert(), [entry.__dict__ for entry in entries])
        await session.execute(update(audit_head).where(audit_head.c.id == HEAD_ID)
                              .values(seq=head.seq, hash=head.hash))
    return entries


async def _locked_head(session: AsyncSession) -> Head | None:
    """The head, locked until the transaction ends; None while the log is empty. The row is made on first use
    (a concurrent first writer waits on the conflict and then reads the row the other one made)."""
    locked = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID).with_for_update()
    row = (await session.execute(locked)).first()
    if row is None:
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        await session.execute(insert(audit_head).values(id=HEAD_ID, seq=0, hash="")
                              .on_conflict_do_nothing(index_elements=["id"]))
        row = (await session.execute(locked)).one()
    return Head(seq=row.seq, hash=row.hash) if row.seq else None


async def read_head(connection: AsyncConnection) -> Head | None:
    row = (await connection.execute(select(audit_head.c.seq, audit_head.c.hash)
                                    .where(audit_head.c.id == HEAD_ID))).first()
    return Head(seq=row.seq, hash=row.hash) if row and row.seq else None


async def read_chain(connection: AsyncConnection) -> AsyncIterator[Entry]:
    """Every entry in sequence order, read in batches so that a long log does not sit in memory at once."""
    after = 0
    while True:
        rows = (await connection.execute(select(audit_log).where(audit_log.c.seq > after)
                                         .order_by(audit_log.c.seq).limit(READ_BATCH))).all()
        for row in rows:
            yield entry_of(row)
        if len(rows) < READ_BATCH:
            return
        after = rows[-1].seq


@dataclass(frozen=True)
class AuditFilter:
    tenant: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def page(connection: AsyncConnection, where: AuditFilter, *, limit: int, before_seq: int | None
               ) -> tuple[list[Entry], int | None]:
    """Entries matching `where`, newest first, below `before_seq`; and where the next page starts, if any."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit + 1)
    for column, value in (("tenant", where.tenant), ("entity", where.entity), ("entity_id", where.entity_id),
                          ("actor", where.actor), ("action", where.action)):
        if value is not None:
            query = query.where(audit_log.c[column] == value)
    if where.since is not None:
        query = query.where(audit_log.c.at >= where.since)
    if where.until is not None:
        query = query.where(audit_log.c.at < where.until)
    if before_seq is not None:
        query = query.where(audit_log.c.seq < before_seq)
    rows = (await connection.execute(query)).all()
    entries = [entry_of(row) for row in rows[:limit]]
    return entries, entries[-1].seq if len(rows) > limit else None


def entry_of(row: Row[Any]) -> Entry:
    return Entry(**row._mapping)
