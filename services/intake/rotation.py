"""Re-encrypting the stored contact data under the newest key, a batch of rows per transaction.

The work on one batch is a plain function of a synchronous connection, so the migration that first encrypted the
data runs the same code inside its own transaction. Each value is written back only if it is still the one read,
so a replica changing a row meanwhile keeps its change; running the rotation again finds nothing left to do.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import Connection, MetaData, Table, Text, Uuid, bindparam, column, func, select, table, update

from services.intake.encryption import EncryptedJSON, EncryptedText, PiiCipher, UnreadableValue
from shared.db import Database

# A stored value -> the value to store and what it was (encryption.PLAINTEXT, OLDER_KEY, NEWEST_KEY ...).
Change = Callable[[str], tuple[str, str]]


@dataclass(frozen=True)
class SealedColumns:
    """The encrypted columns of one table, whose primary key is a UUID named id."""

    table: str
    columns: tuple[str, ...]

    def raw(self) -> Table:
        """The table as stored: the columns' ciphertext, not what the models' types decrypt."""
        return table(self.table, column("id", Uuid()), *(column(name, Text()) for name in self.columns))


def sealed_columns(metadata: MetaData) -> list[SealedColumns]:
    found = []
    for model_table in metadata.sorted_tables:
        names = tuple(c.name for c in model_table.columns if isinstance(c.type, EncryptedText | EncryptedJSON))
        if names:
            found.append(SealedColumns(model_table.name, names))
    return found


@dataclass
class Batch:
    rows: int
    last_id: UUID | None
    values: Counter[str] = field(default_factory=Counter)


def change_batch(connection: Connection, sealed: SealedColumns, change: Change, *, after: UUID | None,
                 limit: int) -> Batch:
    """Apply `change` to the encrypted values of the next `limit` rows by id after `after`."""
    raw = sealed.raw()
    query = select(raw).order_by(raw.c.id).limit(limit)
    if after is not None:
        query = query.where(raw.c.id > after)
    rows = connection.execute(query).all()
    batch = Batch(len(rows), rows[-1].id if rows else None)
    for name in sealed.columns:
        writes = []
        for row in rows:
            stored = getattr(row, name)
            if stored is None:
                continue
            try:
                new, was = change(stored)
            except UnreadableValue as exc:
                raise UnreadableValue(f"{sealed.table}.{name} of row {row.id}: {exc}") from None
            batch.values[was] += 1
            if new != stored:
                writes.append({"row_id": row.id, "old": stored, "new": new})
        if writes:
            statement = (update(raw).where(raw.c.id == bindparam("row_id"), raw.c[name] == bindparam("old"))
                         .values({name: bindparam("new")}))
            connection.execute(statement, writes)
    return batch


@dataclass
class Tally:
    """What a rotation found in one table: rows, and values by what they were under."""

    table: str
    rows: int = 0
    values: Counter[str] = field(default_factory=Counter)


async def count_rows(database: Database, sealed: list[SealedColumns]) -> int:
    async with database.reading() as connection:
        return sum([await connection.scalar(select(func.count()).select_from(s.raw())) or 0 for s in sealed])


async def rotate(database: Database, sealed: list[SealedColumns], cipher: PiiCipher, *, batch_size: int,
                 progress: Callable[[int], None] = lambda rows: None) -> list[Tally]:
    """Every encrypted value under the cipher's newest key, plaintext encrypted, one transaction per batch."""
    tallies = []
    for columns in sealed:
        tally, after = Tally(columns.table), None
        while True:
            async with database.engine.begin() as connection:
                batch = await connection.run_sync(change_batch, columns, cipher.refreshed, after=after,
                                                  limit=batch_size)
            tally.rows += batch.rows
            tally.values.update(batch.values)
            progress(batch.rows)
            if batch.rows < batch_size:
                break
            after = batch.last_id
        tallies.append(tally)
    return tallies
