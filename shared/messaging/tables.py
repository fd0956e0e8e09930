"""Tables every service database has for messaging: outbox, inbox and the relay lease.

They live in their own MetaData that each service's migrations and tests add beside their own tables.
"""

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, Uuid

from shared.db_types import UtcDateTime

messaging_metadata = MetaData()

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_row_id = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    messaging_metadata,
    Column("id", _row_id, primary_key=True, autoincrement=True),
    Column("ce_id", Uuid, nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("ce_type", String(200), nullable=False),
    # The CloudEvents headers as rendered at emit time (JSON [[name, value], …]): the relay sends them as they are.
    Column("headers", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("sent_at", UtcDateTime(), nullable=True),
)
# The relay asks for unsent rows in id order; a partial index keeps that cheap as sent rows pile up.
Index(
    "ix_outbox_unsent", outbox.c.id,
    postgresql_where=outbox.c.sent_at.is_(None), sqlite_where=outbox.c.sent_at.is_(None),
)

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(100), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False, index=True),
)

relay_lease = Table(
    "relay_lease",
    messaging_metadata,
    Column("name", String(100), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)
