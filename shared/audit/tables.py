"""Tables of the audit log, the same in every service's database: the entries and the head of their chain.

Like the messaging tables they live in a MetaData of their own; each service copies them into its metadata
(`include_audit_tables`) so that its migrations and its models describe the same database."""

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table

from shared.contracts.base import DEFAULT_TENANT
from shared.db_types import UtcDateTime

audit_metadata = MetaData()

# The one row of audit_head.
HEAD_ID = 1

audit_log = Table(
    "audit_log",
    audit_metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("service", String(40), nullable=False),
    Column("actor", String(200), nullable=False, index=True),
    Column("action", String(60), nullable=False),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("before", JSON(), nullable=True),
    Column("after", JSON(), nullable=True),
    Column("request_id", String(100), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("tenant", String(64), nullable=False, server_default=DEFAULT_TENANT),
)
Index("ix_audit_log_entity", audit_log.c.entity, audit_log.c.entity_id)
# A tenant's entries, newest first.
Index("ix_audit_log_tenant_seq", audit_log.c.tenant, audit_log.c.seq)

# Appends lock this row, so that concurrent writers (and replicas) take turns and the chain never forks.
audit_head = Table(
    "audit_head",
    audit_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("hash", String(64), nullable=False),
)


def include_audit_tables(metadata: MetaData) -> None:
    """Describe the audit tables in a service's own metadata too."""
    for table in (audit_log, audit_head):
        table.to_metadata(metadata)
