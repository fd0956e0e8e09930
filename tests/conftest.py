"""Fixtures every test can use: the Kafka broker and a fresh database per test."""

import asyncio
import contextlib
import io
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import asyncpg
import pytest

from shared.broker import EmbeddedBroker, free_port
from tests.support import ExternalBroker

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Commands' output is checked as text, so it is laid out for one width whether the tests run in a terminal or in
# a worker process that has none (rich would fall back to 80 columns and wrap).
os.environ["COLUMNS"] = "200"


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker | ExternalBroker]:
    """One broker for the whole run; tests keep apart by using their own topic and group names."""
    external = os.environ.get("REDRESS_TEST_KAFKA_BOOTSTRAP")
    if external:
        yield ExternalBroker(bootstrap=external)
        return
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(port=free_port(), log_path=log_path) as embedded:
        yield embedded


@pytest.fixture
def restartable_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A broker of this test's own, which it may kill and restart without disturbing other tests."""
    with EmbeddedBroker(port=free_port(), log_path=tmp_path / "tansu.log") as embedded:
        yield embedded


@pytest.fixture(autouse=True)
async def leftover_tasks_are_ended() -> AsyncIterator[None]:
    """End the tasks a test leaves behind before its event loop closes. The loop's own close cancels each task
    once and then waits without limit, so a task that swallows that one cancellation would hang the run; here
    it is cancelled again until it ends, and reported."""
    yield
    this = asyncio.current_task()
    for attempt in range(50):
        left = [task for task in asyncio.all_tasks() if task is not this and not task.done()]
        if not left:
            return
        if attempt == 1:
            print(f"\n{len(left)} task(s) survived a cancellation:", file=sys.stderr)
            for task in left:
                stack = io.StringIO()
                task.print_stack(file=stack)
                print(stack.getvalue(), file=sys.stderr)
        for task in left:
            task.cancel()
        await asyncio.wait(left, timeout=0.2)


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database for one test: SQLite by default, PostgreSQL with REDRESS_TEST_DB=postgres."""
    async with empty_database(tmp_path, "test") as url:
        yield url


@contextlib.asynccontextmanager
async def empty_database(tmp_path: Path, name: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on the backend REDRESS_TEST_DB names, dropped afterwards."""
    kind = os.environ.get("REDRESS_TEST_DB", "sqlite")
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/{name}.db"
    elif kind == "postgres":
        admin_url = os.environ.get("REDRESS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        database = f"redress_test_{uuid4().hex[:12]}"
        await _run_as_admin(admin_url, f'CREATE DATABASE "{database}"')
        try:
            yield _asyncpg_url(admin_url, database=database)
        finally:
            await _run_as_admin(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    else:
        raise pytest.UsageError(f"REDRESS_TEST_DB must be 'sqlite' or 'postgres', not {kind!r}")


async def _run_as_admin(admin_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction, so use a bare connection.
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _asyncpg_url(admin_url: str, *, database: str) -> str:
    """The admin URL's user, host and port, pointed at `database`, in SQLAlchemy's asyncpg form."""
    return urlsplit(admin_url)._replace(scheme="postgresql+asyncpg", path=f"/{database}").geturl()
