"""Every service's migrations build exactly the schema its models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.catalog import SERVICES
from shared.db import Database
from shared.migrations import downgrade, target_metadata, upgrade

SPECS = list(SERVICES.values())


def _differences(connection, metadata) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, target_metadata(metadata))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
async def test_migrations_match_the_models(spec, database_url):
    await upgrade(spec.migrations_dir, database_url)
    module = __import__(f"services.{spec.name}.models", fromlist=["metadata"])
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            differences = await connection.run_sync(_differences, module.metadata)
    finally:
        await database.dispose()
    assert {"outbox", "inbox", "relay_lease", "alembic_version"} <= tables
    assert differences == []


async def test_migrating_twice_changes_nothing(database_url):
    spec = SERVICES["intake"]
    await upgrade(spec.migrations_dir, database_url)
    await upgrade(spec.migrations_dir, database_url)
    await downgrade(spec.migrations_dir, database_url, "base")
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await database.dispose()
    assert tables <= {"alembic_version"}
