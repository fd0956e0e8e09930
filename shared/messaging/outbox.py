"""The outbox relay: publishes committed outbox rows in order (acks=all), marks them sent, keeps them a while.

One replica of a service publishes at a time, the holder of the relay lease; the others wait, so events
leave in commit order. Sent rows stay for the retention period so they can be republished after the
broker lost its data."""

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from sqlalchemy import Row, delete, func, or_, select, update

from shared.db import Database
from shared.messaging.cloudevents import Envelope
from shared.messaging.kafka import ensure_topics, new_producer, topics_with_dead_letters
from shared.messaging.tables import inbox, outbox, relay_lease
from shared.metrics import Metrics
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

PURGE_EVERY = timedelta(minutes=10)


def utcnow() -> datetime:
    return datetime.now(UTC)


class RelayLease:
    """A row naming which process may publish; renewed while held, taken over when it expires."""

    def __init__(self, database: Database, *, ttl_s: float, holder: str | None = None, name: str = "outbox"):
        self.database = database
        self.ttl = timedelta(seconds=ttl_s)
        self.holder = holder or f"relay-{uuid4().hex[:12]}"
        self.name = name
        self._renewed_at: datetime | None = None

    async def hold(self) -> bool:
        now = utcnow()
        if self._renewed_at and now - self._renewed_at < self.ttl / 3:
            return True
        held = await self._claim(now)
        self._renewed_at = now if held else None
        return held

    async def _claim(self, now: datetime) -> bool:
        values = {"holder": self.holder, "expires_at": now + self.ttl}
        async with self.database.engine.begin() as connection:
            taken = await connection.execute(
                update(relay_lease)
                .where(relay_lease.c.name == self.name)
                .where(or_(relay_lease.c.holder == self.holder, relay_lease.c.expires_at < now))
                .values(**values)
            )
            if taken.rowcount == 1:
                return True
            created = await connection.execute(
                self.database.insert(relay_lease).values(name=self.name, **values).on_conflict_do_nothing()
            )
            return created.rowcount == 1

    async def release(self) -> None:
        self._renewed_at = None
        async with self.database.engine.begin() as connection:
            await connection.execute(
                update(relay_lease)
                .where(relay_lease.c.name == self.name, relay_lease.c.holder == self.holder)
                .values(expires_at=utcnow())
            )


def envelope_of(row: Row[Any]) -> Envelope:
    return Envelope(topic=row.topic, key=row.key, ce_id=row.ce_id, ce_type=row.ce_type, ce_source=row.ce_source,
                    ce_time=row.ce_time, value=row.payload.encode())


async def unsent(database: Database, *, limit: int) -> Sequence[Row[Any]]:
    async with database.engine.connect() as connection:
        result = await connection.execute(
            select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(limit)
        )
        return result.all()


async def mark_sent(database: Database, ids: list[int]) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(update(outbox).where(outbox.c.id.in_(ids)).values(sent_at=utcnow()))


async def publish(producer: AIOKafkaProducer, rows: Sequence[Row[Any]]) -> tuple[list[int], BaseException | None]:
    """Send rows and wait for every ack; returns the ids of the leading run that was acknowledged.

    Only the leading run counts as sent: rows after a failure are sent again, in order, next round."""
    futures = []
    for row in rows:
        item = envelope_of(row)
        futures.append(await producer.send(item.topic, item.value, key=item.key.encode(), headers=item.headers()))
    results = await asyncio.gather(*futures, return_exceptions=True)
    sent: list[int] = []
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, BaseException):
            return sent, result
        sent.append(row.id)
    return sent, None


class OutboxRelay:
    def __init__(self, database: Database, settings: ServiceSettings, *, metrics: Metrics | None = None,
                 producer_factory: Callable[[str], AIOKafkaProducer] = new_producer) -> None:
        self.database = database
        self.settings = settings
        self.metrics = metrics
        self.producer_factory = producer_factory
        self.lease = RelayLease(database, ttl_s=settings.relay_lease_s)
        self._wake = asyncio.Event()
        self._last_purge: datetime | None = None
        database.on_events_committed(self._wake.set)

    async def run(self) -> None:
        """Publish until cancelled; reconnects with backoff when the broker goes away."""
        delay = 0.5
        while True:
            try:
                await self._run_connected()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay lost the broker (%s: %s); retrying in %.1f s",
                            type(exc).__name__, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            else:
                delay = 0.5

    async def _run_connected(self) -> None:
        producer = self.producer_factory(self.settings.kafka_bootstrap)
        await producer.start()
        try:
            await ensure_topics(self.settings.kafka_bootstrap, topics_with_dead_letters(),
                                partitions=self.settings.topic_partitions,
                                replication=self.settings.topic_replication)
            log.info("outbox relay connected to %s", self.settings.kafka_bootstrap)
            while True:
                await self.publish_round(producer)
        finally:
            await producer.stop()
            await self.lease.release()

    async def publish_round(self, producer: AIOKafkaProducer) -> int:
        self._wake.clear()
        if not await self.lease.hold():
            await asyncio.sleep(self.settings.relay_lease_s / 3)
            return 0
        rows = await unsent(self.database, limit=self.settings.outbox_batch_size)
        if not rows:
            await self._purge_when_due()
            await self._wait_for_work()
            return 0
        sent, error = await publish(producer, rows)
        if sent:
            await mark_sent(self.database, sent)
            self._count(rows[: len(sent)])
        if error is not None:
            raise error
        return len(sent)

    async def _wait_for_work(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_s)
        except TimeoutError:
            pass

    def _count(self, rows: Sequence[Row[Any]]) -> None:
        if self.metrics is None:
            return
        for row in rows:
            self.metrics.events_out.labels(type=row.ce_type).inc()

    async def _purge_when_due(self) -> None:
        now = utcnow()
        if self._last_purge and now - self._last_purge < PURGE_EVERY:
            return
        self._last_purge = now
        await purge_expired(self.database, self.settings, now=now)


async def purge_expired(database: Database, settings: ServiceSettings, *, now: datetime) -> tuple[int, int]:
    """Drop sent outbox rows and processed-event ids older than their retention periods."""
    async with database.engine.begin() as connection:
        sent = await connection.execute(
            delete(outbox).where(outbox.c.sent_at < now - timedelta(days=settings.outbox_retention_days))
        )
        seen = await connection.execute(
            delete(inbox).where(inbox.c.processed_at < now - timedelta(days=settings.inbox_retention_days))
        )
    return sent.rowcount, seen.rowcount


async def republish(database: Database, *, since: datetime, until: datetime | None = None,
                    topics: Sequence[str] = ()) -> int:
    """Mark sent events from a period unsent again: the relay publishes them anew, with their own ce_id."""
    statement = update(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.created_at >= since)
    if until is not None:
        statement = statement.where(outbox.c.created_at < until)
    if topics:
        statement = statement.where(outbox.c.topic.in_(topics))
    async with database.engine.begin() as connection:
        result = await connection.execute(statement.values(sent_at=None))
    return result.rowcount


async def backlog(database: Database) -> int:
    async with database.engine.connect() as connection:
        return (await connection.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))).scalar_one()
