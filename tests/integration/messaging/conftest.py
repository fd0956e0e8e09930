"""Fixtures of the messaging tests: a second, downstream database for the consuming side."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import uuid4

import pytest

from shared.db import Database
from tests.conftest import DEFAULT_POSTGRES_URL, _asyncpg_url, _run_as_admin
from tests.support import create_probe_tables


@pytest.fixture
async def downstream_url(tmp_path: Path) -> AsyncIterator[str]:
    """Another empty database, on the same backend as `database_url`: the consumer's own, as in production."""
    if os.environ.get("REDRESS_TEST_DB", "sqlite") != "postgres":
        yield f"sqlite+aiosqlite:///{tmp_path}/downstream.db"
        return
    admin_url = os.environ.get("REDRESS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"redress_test_{uuid4().hex[:12]}"
    await _run_as_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield _asyncpg_url(admin_url, database=name)
    finally:
        await _run_as_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def upstream(database_url: str) -> AsyncIterator[Database]:
    """The producing side's database, with messaging and probe tables."""
    async with _probe_database(database_url) as database:
        yield database


@pytest.fixture
async def downstream(downstream_url: str) -> AsyncIterator[Database]:
    """The consuming side's database, with messaging and probe tables."""
    async with _probe_database(downstream_url) as database:
        yield database


@asynccontextmanager
async def _probe_database(url: str) -> AsyncIterator[Database]:
    database = Database(url)
    try:
        await create_probe_tables(database)
        yield database
    finally:
        await database.dispose()
