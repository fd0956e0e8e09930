"""Throwaway databases for benchmarks, migrated like a service's own and removed afterwards whatever happens."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from uuid import uuid4

import asyncpg
from sqlalchemy.engine import make_url

from shared.db import Database
from shared.migrations import upgrade

# Any service's migrations create the messaging tables (outbox, inbox, relay lease); intake's have little else.
MIGRATIONS = Path(__file__).resolve().parent.parent / "services" / "intake" / "migrations"


@asynccontextmanager
async def sqlite_database(migrations: Path = MIGRATIONS) -> AsyncIterator[Database]:
    with TemporaryDirectory(prefix="redress-bench-") as folder:
        url = f"sqlite+aiosqlite:///{folder}/outbox.db"
        await upgrade(migrations, url)
        database = Database(url)
        try:
            yield database
        finally:
            await database.dispose()


@asynccontextmanager
async def postgres_database(admin_url: str, migrations: Path = MIGRATIONS) -> AsyncIterator[Database]:
    """A database of its own on the server at `admin_url` (migrated with `migrations`, intake's by default),
    dropped afterwards whatever happens."""
    name = f"bench_{uuid4().hex[:12]}"
    await _run_as_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_url).set(drivername="postgresql+asyncpg", database=name)
        url_text = url.render_as_string(hide_password=False)
        await upgrade(migrations, url_text)
        database = Database(url_text)
        try:
            yield database
        finally:
            await database.dispose()
    finally:
        await _run_as_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _run_as_admin(admin_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction, so use a bare connection.
    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def postgres_unreachable(admin_url: str) -> str | None:
    """None if PostgreSQL answers at `admin_url`, else why not."""
    try:
        await _run_as_admin(admin_url, "SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return f"PostgreSQL not reachable at {admin_url} ({type(error).__name__}: {error})"
    return None
