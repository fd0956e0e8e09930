"""Databases: one per service. Engines, the UTC time type, and the unit of work that carries outbox and inbox rows."""

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.contracts import Event
from shared.messaging.cloudevents import Envelope, envelope
from shared.messaging.tables import inbox, outbox

# Execution option of connections that only read: on SQLite they take no write lock, so in WAL mode they
# read a snapshot beside a writer instead of queueing behind it.
READ_ONLY = "redress_read_only"


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """WAL for concurrent readers, foreign keys on, and BEGIN IMMEDIATE so writers queue on the busy timeout
    instead of failing when a read transaction later wants to write."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """A service's database: the engine, its sessions, and who to tell when events were committed."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if not self.is_sqlite:
            engine_options.setdefault("pool_size", 10)
            engine_options.setdefault("max_overflow", 20)
            engine_options.setdefault("pool_pre_ping", True)
        self.engine = create_async_engine(url, **engine_options)
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._commit_listeners: list[Callable[[], None]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def insert(self, table: Any) -> Any:
        """An INSERT that knows ON CONFLICT on this backend."""
        return (sqlite_insert if self.is_sqlite else pg_insert)(table)

    def on_events_committed(self, listener: Callable[[], None]) -> None:
        self._commit_listeners.append(listener)

    def events_committed(self) -> None:
        for listener in self._commit_listeners:
            listener()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for queries that write nothing."""
        async with self.engine.connect() as connection:
            yield await connection.execution_options(**{READ_ONLY: True})

    async def ping(self) -> None:
        async with self.reading() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


class UnitOfWork:
    """One transaction holding a use case's state changes, the events it emits (outbox) and, for an event
    handler, the inbox row of the event that caused them. Nothing is written unless `commit` is called.

    Entering it again while it is open joins the same transaction: the consumer runner opens it, claims
    the inbox row, and the use case it calls enters and commits the same unit of work."""

    def __init__(self, database: Database, *, source: str) -> None:
        self.database = database
        self.source = source
        self._session: AsyncSession | None = None
        self._depth = 0
        self._pending: list[Envelope] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._depth == 0:
            self._session = self.database.sessions()
            self._pending = []
        self._depth += 1
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        session, self._session = self._session, None
        self._pending = []
        if session is not None:
            # close() rolls back what was not committed and, unlike rollback(), leaves loaded objects readable.
            await session.close()

    def emit(self, event: Event) -> None:
        """Queue an event; it is written to the outbox in the transaction `commit` commits."""
        self._pending.append(envelope(event, source=self.source))

    async def commit(self) -> None:
        emitted = bool(self._pending)
        if emitted:
            await self.session.execute(outbox.insert(), [outbox_row(e) for e in self._pending])
            self._pending = []
        await self.session.commit()
        if emitted:
            self.database.events_committed()

    async def rollback(self) -> None:
        self._pending = []
        await self.session.rollback()

    async def claim_inbox(self, *, consumer: str, event_id: str) -> bool:
        """Record that `consumer` handles `event_id` in this transaction; False if it already did."""
        statement = self.database.insert(inbox).values(
            consumer=consumer, event_id=event_id, processed_at=datetime.now(UTC)
        ).on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        result = await self.session.execute(statement)
        return result.rowcount == 1


def outbox_row(item: Envelope) -> dict[str, Any]:
    return {
        "ce_id": item.ce_id,
        "topic": item.topic,
        "key": item.key,
        "ce_type": item.ce_type,
        "headers": json.dumps(item.header_pairs()),
        "payload": item.value.decode(),
        "created_at": datetime.now(UTC),
    }
