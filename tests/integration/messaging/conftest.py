"""Fixtures of the messaging tests: a second, downstream database for the consuming side."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from shared.db import Database
from tests.conftest import empty_database
from tests.support import create_probe_tables


@pytest.fixture
async def downstream_url(tmp_path: Path) -> AsyncIterator[str]:
    """Another empty database, on the same backend as `database_url`: the consumer's own, as in production."""
    async with empty_database(tmp_path, "downstream") as url:
        yield url


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
