"""The api_key table, the same in every service's database. Like the audit tables it lives in a MetaData of its
own, and each service copies it into its metadata (`include_auth_tables`)."""

from sqlalchemy import JSON, Column, MetaData, String, Table

from shared.db_types import UtcDateTime

auth_metadata = MetaData()

api_key = Table(
    "api_key",
    auth_metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("secret_sha256", String(64), nullable=False),  # the secret itself is shown once and never stored
    Column("roles", JSON(), nullable=False),
    Column("tenant", String(64), nullable=False),
    Column("queues", JSON(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Column("replaced_by", String(32), nullable=True),  # the key that rotation issued in its place
)


def include_auth_tables(metadata: MetaData) -> None:
    """Describe the api_key table in a service's own metadata too."""
    api_key.to_metadata(metadata)
