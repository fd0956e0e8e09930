"""Replay from a point in time: copy a window of event history onto a topic a partner chooses.

Two sources hold the history. A Kafka that still keeps the records: each partition is read from the offset
`offsets_for_times` gives for the start of the window, and records stamped inside the window are copied with
their key, value and every header. Or a service's outbox, which keeps sent events for its retention period:
rows created inside the window are published with the headers stored at emit time.

Either way every event keeps its `ce_id`, so a consumer that records the ids it handled (the inbox) applies
an event it already saw zero more times."""

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord
from sqlalchemy import ColumnElement, Row, and_, func, select

from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database
from shared.errors import InvalidInput, NotFound
from shared.messaging.cloudevents import encode_headers
from shared.messaging.kafka import ensure_topics, new_producer
from shared.messaging.tables import outbox

TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
PAGE_SIZE = 500
FETCH_WAIT_MS = 200

# Told after each page or fetch: how many events were looked at and how many were (or would be) published.
Progress = Callable[[int, int], None]


class HistoryGone(InvalidInput):
    title = "History no longer kept"


@dataclass(frozen=True)
class ReplayWindow:
    """What to replay: events of `topic` (every topic if None) stamped in [since, until), of `types` if any, of
    `tenant` if given (a partner's replay carries only its own organisation's events)."""

    since: datetime
    until: datetime
    to_topic: str
    topic: str | None = None
    types: frozenset[str] = frozenset()
    tenant: str | None = None

    def wants_type(self, ce_type: str | None) -> bool:
        return not self.types or ce_type in self.types

    def wants_payload(self, payload: str | bytes | None) -> bool:
        """Whether the event's body belongs to the window's tenant; events from before tenants are `default`'s."""
        if self.tenant is None:
            return True
        try:
            body = json.loads(payload or b"")
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("tenant", DEFAULT_TENANT) == self.tenant

    def holds(self, moment: datetime) -> bool:
        return self.since <= moment < self.until

    @property
    def since_ms(self) -> int:
        return _ms(self.since)

    @property
    def until_ms(self) -> int:
        return _ms(self.until)


def replay_window(*, since: datetime, to_topic: str, until: datetime | None = None, topic: str | None = None,
                  types: Iterable[str] = (), tenant: str | None = None, now: datetime | None = None) -> ReplayWindow:
    """A checked window; times without a zone are UTC, and the window ends now unless `until` says otherwise."""
    since, end = _aware(since), _aware(until) if until is not None else now or datetime.now(UTC)
    if since >= end:
        raise InvalidInput(f"since ({since.isoformat()}) must be before until ({end.isoformat()})",
                           since=since.isoformat(), until=end.isoformat())
    for name, value in (("to_topic", to_topic), ("topic", topic)):
        if value is not None and not TOPIC_NAME.match(value):
            raise InvalidInput(f"{name} {value!r} is not a Kafka topic name (letters, digits, '.', '_', '-')")
    if to_topic == topic:
        raise InvalidInput("to_topic must differ from topic: replay onto a topic of the partner's own, such as "
                           f"{topic}.replay-<partner>")
    return ReplayWindow(since=since, until=end, to_topic=to_topic, topic=topic, types=frozenset(types),
                        tenant=tenant)


def check_outbox_retention(window: ReplayWindow, *, retention_days: float, now: datetime | None = None) -> None:
    """Refuse a window that starts before the oldest events the outbox still keeps."""
    kept_since = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    if window.since < kept_since:
        raise HistoryGone(
            f"the outbox keeps sent events for {retention_days:g} days, so events from before "
            f"{kept_since.isoformat(timespec='seconds')} are gone from it. Replay older history from a Kafka "
            "that still holds it: `redress events replay --topic <topic> --since <time> --to-topic <topic> "
            "--bootstrap <kafka>` finds the offsets by timestamp.",
            kept_since=kept_since.isoformat(), retention_days=retention_days)


@dataclass
class ReplaySummary:
    source: Literal["kafka", "outbox"]
    dry_run: bool
    scanned: int = 0
    by_type: Counter[str] = field(default_factory=Counter)

    @property
    def published(self) -> int:
        return sum(self.by_type.values())

    def count(self, ce_type: str | None) -> None:
        self.by_type[ce_type or "(no ce_type)"] += 1


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _notify(on_progress: Progress | None, summary: ReplaySummary) -> None:
    if on_progress is not None:
        on_progress(summary.scanned, summary.published)


# --- From the outbox ---

def _outbox_filter(window: ReplayWindow) -> ColumnElement[bool]:
    conditions = [outbox.c.created_at >= window.since, outbox.c.created_at < window.until]
    if window.topic is not None:
        conditions.append(outbox.c.topic == window.topic)
    if window.types:
        conditions.append(outbox.c.ce_type.in_(sorted(window.types)))
    return and_(*conditions)


async def count_outbox(database: Database, window: ReplayWindow) -> Counter[str]:
    """How many outbox rows of each type the window holds."""
    query = select(outbox.c.ce_type, func.count()).where(_outbox_filter(window)).group_by(outbox.c.ce_type)
    async with database.reading() as connection:
        return Counter({ce_type: count for ce_type, count in (await connection.execute(query)).all()})


async def _outbox_page(database: Database, window: ReplayWindow, *, after: int, limit: int) -> Sequence[Row[Any]]:
    query = (select(outbox.c.id, outbox.c.key, outbox.c.headers, outbox.c.payload, outbox.c.ce_type)
             .where(_outbox_filter(window), outbox.c.id > after).order_by(outbox.c.id).limit(limit))
    async with database.reading() as connection:
        return (await connection.execute(query)).all()


async def replay_from_outbox(database: Database, window: ReplayWindow, producer: AIOKafkaProducer | None, *,
                             page_size: int = PAGE_SIZE, on_progress: Progress | None = None) -> ReplaySummary:
    """Publish the window's outbox rows onto `window.to_topic` in commit order (count them if no producer)."""
    summary = ReplaySummary(source="outbox", dry_run=producer is None)
    after = 0
    while rows := await _outbox_page(database, window, after=after, limit=page_size):
        wanted = [row for row in rows if window.wants_payload(row.payload)]
        if producer is not None:
            await asyncio.gather(*[
                await producer.send(window.to_topic, row.payload.encode(), key=row.key.encode(),
                                    headers=encode_headers(json.loads(row.headers)))
                for row in wanted])
        for row in wanted:
            summary.count(row.ce_type)
        summary.scanned += len(rows)
        after = rows[-1].id
        _notify(on_progress, summary)
    return summary


# --- From Kafka ---

def _header(record: ConsumerRecord, name: str) -> str | None:
    return next((value.decode("utf-8", "replace") for key, value in record.headers or () if key == name), None)


async def _start_offsets(consumer: AIOKafkaConsumer, topic: str, since_ms: int) -> dict[TopicPartition, int]:
    """Where each partition's records stamped at or after `since_ms` begin; partitions without any are left out.

    Some brokers (Tansu) answer per record batch rather than per record: an offset at or before the first
    record of the window, which is why the records read are filtered by their own timestamps as well."""
    await consumer.topics()  # loads the metadata that partitions_for_topic reads
    partitions = sorted(consumer.partitions_for_topic(topic) or ())
    if not partitions:
        raise NotFound(f"the broker has no topic {topic!r}")
    found = await consumer.offsets_for_times({TopicPartition(topic, p): since_ms for p in partitions})
    return {tp: hit.offset for tp, hit in found.items() if hit is not None}


class _KafkaCopy:
    """Reads the partitions from their start offsets to where they ended when the copy began."""

    def __init__(self, consumer: AIOKafkaConsumer, window: ReplayWindow, producer: AIOKafkaProducer | None) -> None:
        self.consumer = consumer
        self.window = window
        self.producer = producer
        self.summary = ReplaySummary(source="kafka", dry_run=producer is None)
        # A record stamped after the copy began was written after it began: its partition is read to its end.
        self.began_ms = _ms(datetime.now(UTC))

    async def run(self, starts: dict[TopicPartition, int], on_progress: Progress | None) -> ReplaySummary:
        ends = await self.consumer.end_offsets(list(starts)) if starts else {}
        self.consumer.assign(list(starts))
        for tp, offset in starts.items():
            self.consumer.seek(tp, offset)
        active = set(starts)
        while active:
            batches = await self.consumer.getmany(*active, timeout_ms=FETCH_WAIT_MS)
            newer = await self._copy(batches, ends)
            finished = {tp for tp in active if tp in newer or await self._caught_up(tp, ends[tp])}
            if finished:
                self.consumer.pause(*finished)
                active -= finished
            _notify(on_progress, self.summary)
        return self.summary

    async def _caught_up(self, tp: TopicPartition, end: int) -> bool:
        """At the high watermark of the last fetch. Some brokers (Tansu) answer end offsets short of a batch's
        last record, so the end offsets asked for at the start only give a floor."""
        highwater = self.consumer.highwater(tp)
        return highwater is not None and await self.consumer.position(tp) >= max(highwater, end)

    async def _copy(self, batches: dict[TopicPartition, list[ConsumerRecord]], ends: dict[TopicPartition, int]
                    ) -> set[TopicPartition]:
        futures: list[asyncio.Future[Any]] = []
        reached_now: set[TopicPartition] = set()
        for tp, records in batches.items():
            for record in records:
                self.summary.scanned += 1
                if record.timestamp >= self.began_ms and record.offset >= ends[tp]:
                    reached_now.add(tp)
                    break
                if await self._admit(record, futures):
                    self.summary.count(_header(record, "ce_type"))
        await asyncio.gather(*futures)
        return reached_now

    async def _admit(self, record: ConsumerRecord, futures: list[asyncio.Future[Any]]) -> bool:
        window = self.window
        if not window.since_ms <= record.timestamp < window.until_ms:
            return False
        if not window.wants_type(_header(record, "ce_type")) or not window.wants_payload(record.value):
            return False
        if self.producer is not None:
            futures.append(await self.producer.send(window.to_topic, record.value, key=record.key,
                                                    headers=list(record.headers or ())))
        return True


def replay_consumer(bootstrap: str) -> AIOKafkaConsumer:
    """A consumer outside any group: replay reads history without touching anybody's offsets."""
    return AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                            client_id="redress-replay", fetch_max_wait_ms=100, max_poll_records=1000)


async def replay_from_kafka(bootstrap: str, window: ReplayWindow, producer: AIOKafkaProducer | None, *,
                            on_progress: Progress | None = None) -> ReplaySummary:
    """Copy the window's records of `window.topic` onto `window.to_topic` (count them if no producer)."""
    if window.topic is None:
        raise InvalidInput("replaying from Kafka needs the topic to read")
    consumer = replay_consumer(bootstrap)
    await consumer.start()
    try:
        starts = await _start_offsets(consumer, window.topic, window.since_ms)
        return await _KafkaCopy(consumer, window, producer).run(starts, on_progress)
    finally:
        await consumer.stop()


async def source_partitions(bootstrap: str, topic: str) -> int:
    consumer = replay_consumer(bootstrap)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = consumer.partitions_for_topic(topic)
    finally:
        await consumer.stop()
    if not partitions:
        raise NotFound(f"the broker has no topic {topic!r}")
    return len(partitions)


# --- Both, with a producer of their own ---

async def replay(window: ReplayWindow, *, bootstrap: str, database: Database | None = None, dry_run: bool = False,
                 partitions: int | None = None, replication: int = 1,
                 on_progress: Progress | None = None) -> ReplaySummary:
    """Replay from `database`'s outbox if given, else from the Kafka at `bootstrap`; the target topic is created
    when missing, with `partitions` (default: as many as the source topic, for Kafka)."""
    if dry_run:
        return await _from_source(window, bootstrap, database, None, on_progress)
    if database is not None and not await count_outbox(database, window):
        return ReplaySummary(source="outbox", dry_run=False)  # nothing to publish: no topic to create
    # (With a tenant the count above may include other tenants' events: then the topic is made and stays empty.)
    if partitions is None:
        partitions = await source_partitions(bootstrap, window.topic) if database is None and window.topic else 1
    await ensure_topics(bootstrap, [window.to_topic], partitions=partitions, replication=replication)
    producer = new_producer(bootstrap, client_id="redress-replay")
    await producer.start()
    try:
        return await _from_source(window, bootstrap, database, producer, on_progress)
    finally:
        await producer.stop()


async def _from_source(window: ReplayWindow, bootstrap: str, database: Database | None,
                       producer: AIOKafkaProducer | None, on_progress: Progress | None) -> ReplaySummary:
    if database is not None:
        return await replay_from_outbox(database, window, producer, on_progress=on_progress)
    return await replay_from_kafka(bootstrap, window, producer, on_progress=on_progress)
