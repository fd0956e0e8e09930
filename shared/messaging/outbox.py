"""The outbox relay: publishes committed outbox rows in order (acks=all), marks them sent, keeps them a while.

One replica of a service publishes at a time, the holder of the relay lease; the others wait, so events
leave in commit order. Sent rows stay for the retention period so they can be republished after the
broker lost its data."""

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from sqlalchemy import BigInteger, ColumnElement, Row, any_, bindparam, column, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from shared.db import Database
from shared.messaging.cloudevents import encode_headers
from shared.messaging.kafka import ensure_topics, keep_running, new_producer, topics_with_dead_letters
from shared.messaging.tables import inbox, outbox, relay_lease
from shared.metrics import Metrics
from shared.settings import ServiceSettings
from shared.waiting import wait_until_woken

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


# Only what goes on the wire: the relay's hot path does no per-row type conversion beyond decoding JSON headers.
_WIRE_COLUMNS = (outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.headers, outbox.c.payload, outbox.c.ce_type)


async def unsent(database: Database, *, limit: int, besides: list[int] | None = None) -> Sequence[Row[Any]]:
    """The oldest unsent rows, leaving out `besides` (the batch being marked). Not "ids after the last batch": on
    PostgreSQL a transaction can commit after one that took later ids, and its rows must still go first."""
    query = select(*_WIRE_COLUMNS).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(limit)
    if besides:
        query = query.where(~_id_in(database, besides))
    async with database.reading() as connection:
        return (await connection.execute(query)).all()


def _id_in(database: Database, ids: list[int]) -> ColumnElement[bool]:
    """`id` is one of `ids`, bound as a single parameter rather than one per id."""
    if database.is_postgres:
        return outbox.c.id == any_(bindparam("ids", ids, type_=ARRAY(BigInteger)))
    listed = select(column("value")).select_from(func.json_each(bindparam("ids", json.dumps(ids))))
    return outbox.c.id.in_(listed)


async def mark_sent(database: Database, ids: list[int]) -> None:
    async with database.engine.begin() as connection:
        if database.is_postgres:
            # A mark lost in a crash only means those events are sent again, which consumers absorb:
            # no need to wait for the disk.
            await connection.execute(text("SET LOCAL synchronous_commit = off"))
        await connection.execute(update(outbox).where(_id_in(database, ids)).values(sent_at=utcnow()))


async def send(producer: AIOKafkaProducer, rows: Sequence[Row[Any]]) -> list[asyncio.Future[Any]]:
    """Queue rows on the producer in order; the futures resolve as the broker acknowledges them."""
    return [await producer.send(topic, payload.encode(), key=key.encode(), headers=encode_headers(json.loads(headers)))
            for _id, topic, key, headers, payload, _type in rows]


async def acknowledged(rows: Sequence[Row[Any]], futures: list[asyncio.Future[Any]]
                       ) -> tuple[list[int], BaseException | None]:
    """The ids of the leading run of rows the broker acknowledged, and the error that ended it, if any.

    Only the leading run counts as sent: rows after a failure are sent again, in order, next round."""
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
        # Under a backlog the relay works as a pipeline: it reads the next batch while the broker acknowledges
        # this one, and marks a batch sent while it sends the next.
        self._next: Sequence[Row[Any]] = ()
        self._marking: asyncio.Task[None] | None = None
        database.on_events_committed(self._wake.set)

    async def run(self) -> None:
        """Publish until cancelled; reconnects with backoff when the broker goes away."""
        await keep_running(self._run_connected, what="outbox relay", bootstrap=self.settings.kafka_bootstrap)

    async def _run_connected(self) -> None:
        producer = self.producer_factory(self.settings.kafka_bootstrap)
        try:
            await producer.start()
            await ensure_topics(self.settings.kafka_bootstrap, topics_with_dead_letters(),
                                partitions=self.settings.topic_partitions,
                                replication=self.settings.topic_replication)
            log.info("outbox relay connected to %s", self.settings.kafka_bootstrap)
            while True:
                await self.publish_round(producer)
        finally:
            self._next = ()
            await self.settle()
            await producer.stop()
            await self.lease.release()

    async def publish_round(self, producer: AIOKafkaProducer) -> int:
        """Publish the next batch of unsent rows; returns how many the broker acknowledged."""
        self._wake.clear()
        if not await self.lease.hold():
            self._next = ()
            await asyncio.sleep(self.settings.relay_lease_s / 3)
            return 0
        rows = self._next or await unsent(self.database, limit=self.settings.outbox_batch_size)
        self._next = ()
        if not rows:
            await self._purge_when_due()
            await self._wait_for_work()
            return 0
        futures = await send(producer, rows)
        sent, error = await acknowledged(rows, futures)
        await self.settle()
        if sent:
            self._marking = asyncio.create_task(mark_sent(self.database, sent))
            self._count(rows[: len(sent)])
        # Read while this batch is being marked; every earlier batch is marked by now.
        self._next = await unsent(self.database, limit=self.settings.outbox_batch_size,
                                  besides=[row.id for row in rows])
        if error is not None or not self._next:
            self._next = ()
            await self.settle()
        if error is not None:
            raise error
        return len(sent)

    async def settle(self) -> None:
        """Wait until every batch acknowledged so far is marked sent."""
        marking, self._marking = self._marking, None
        if marking is not None:
            await marking

    async def _wait_for_work(self) -> None:
        await wait_until_woken(self._wake, self.settings.outbox_poll_s)

    def _count(self, rows: Sequence[Row[Any]]) -> None:
        if self.metrics is not None:
            for ce_type, count in Counter(row.ce_type for row in rows).items():
                self.metrics.events_out.labels(type=ce_type).inc(count)

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
    async with database.reading() as connection:
        return (await connection.execute(select(func.count()).where(outbox.c.sent_at.is_(None)))).scalar_one()
