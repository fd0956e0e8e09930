"""Replay from a point in time against the real broker and database: a partner that missed a day replays it, from
the outbox or from Kafka, and ends with the state of a partner that saw everything live, applying nothing twice."""

import asyncio
import contextlib
import dataclasses
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from shared.contracts import Event
from shared.db import Database, outbox_row
from shared.errors import NotFound
from shared.messaging import replay
from shared.messaging.cloudevents import envelope
from shared.messaging.kafka import ensure_topics
from shared.messaging.outbox import OutboxRelay
from shared.messaging.tables import outbox
from tests.support import (
    PROBE_CE_TYPE,
    Probe,
    all_messages,
    cancel,
    header_value,
    new_probe,
    running,
    started_producer,
    unique,
    wait_until,
)

OTHER_CE_TYPE = "redress.probe.noted.v1"
HOUR = timedelta(hours=1)

# (event, when it was emitted, its ce_type)
Stamped = tuple[Event, datetime, str]


class Partner:
    """A partner's consumer group: handles each ce_id once, folding events into a state of counts per complaint."""

    def __init__(self, bootstrap: str, group: str, topics: Sequence[str]) -> None:
        self.consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=group,
                                         enable_auto_commit=False, auto_offset_reset="earliest",
                                         session_timeout_ms=2000, heartbeat_interval_ms=300, fetch_max_wait_ms=10)
        self.seen: set[str] = set()
        self.state: dict[str, Counter[int]] = {}
        self.received = 0

    @property
    def handled(self) -> int:
        return len(self.seen)

    @property
    def duplicates(self) -> int:
        return self.received - self.handled

    def state_ns(self) -> list[int]:
        return [n for counts in self.state.values() for n in counts]

    def fold(self, record: ConsumerRecord) -> None:
        self.received += 1
        ce_id = header_value(record, "ce_id")
        if ce_id in self.seen:
            return
        self.seen.add(ce_id)
        data = json.loads(record.value)
        self.state.setdefault(data["complaint_id"], Counter())[data["n"]] += 1

    async def _poll(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=100)
            for records in batches.values():
                for record in records:
                    self.fold(record)
            if batches:
                await self.consumer.commit()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator["Partner"]:
        await self.consumer.start()
        task = asyncio.create_task(self._poll())
        try:
            await wait_until(lambda: self.consumer.assignment() or task.done(), what="the partner's assignment")
            yield self
        finally:
            await cancel(task)
            await self.consumer.stop()


def a_day(probe: Probe, *, start: datetime, first: int, count: int = 6, other_every: int = 0) -> list[Stamped]:
    """`count` probe events, one an hour from `start`; every `other_every`-th of another type."""
    return [(probe.recorded(n), start + (n - first) * HOUR,
             OTHER_CE_TYPE if other_every and n % other_every == 0 else PROBE_CE_TYPE)
            for n in range(first, first + count)]


async def write_outbox(database: Database, stamped: list[Stamped]) -> None:
    """Outbox rows as the services write them, with the creation times of the events' own day."""
    rows = [outbox_row(dataclasses.replace(envelope(event, source="probe"), ce_type=ce_type)) | {"created_at": at}
            for event, at, ce_type in stamped]
    async with database.engine.begin() as connection:
        await connection.execute(outbox.insert(), rows)
    database.events_committed()


async def produce_at(producer: AIOKafkaProducer, stamped: list[Stamped]) -> None:
    """Records as the relay sends them, stamped with the events' own times; sent together, so they share batches."""
    futures = []
    for event, at, ce_type in stamped:
        item = dataclasses.replace(envelope(event, source="probe"), ce_type=ce_type)
        futures.append(await producer.send(item.topic, item.value, key=item.key.encode(), headers=item.headers(),
                                           timestamp_ms=int(at.timestamp() * 1000)))
    await asyncio.gather(*futures)


def ns(stamped: list[Stamped]) -> set[int]:
    return {event.n for event, _at, _type in stamped}


def applied_ns(messages: list[ConsumerRecord]) -> list[int]:
    return sorted(json.loads(m.value)["n"] for m in messages)


async def topic_exists(bootstrap: str, topic: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return topic in await admin.list_topics()
    finally:
        await admin.close()


async def group_past_end(bootstrap: str, topics: list[str]) -> str:
    """A new consumer group whose offsets point past everything `topics` hold now. Its offsets are the high
    watermarks fetches report: Tansu's answer to ListOffsets falls short after a batch of several records."""
    group = unique("partner-")
    await ensure_topics(bootstrap, topics, partitions=3, replication=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                fetch_max_wait_ms=10)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)

        async def all_highwaters() -> bool:
            await consumer.getmany(timeout_ms=50)
            return all(consumer.highwater(tp) is not None for tp in partitions)

        await wait_until(all_highwaters, what="a fetch from every partition")
        await consumer.commit({tp: consumer.highwater(tp) for tp in partitions})
    finally:
        await consumer.stop()
    return group


# --- The partner that missed a day ---

Publish = Callable[[list[Stamped]], Awaitable[None]]
Replay = Callable[[replay.ReplayWindow], Awaitable[replay.ReplaySummary]]


async def missed_day_then_replayed(bootstrap: str, probe: Probe, publish: Publish, replay_window: Replay) -> None:
    now = datetime.now(UTC)
    day1 = a_day(probe, start=now - 48 * HOUR, first=0)
    day2 = a_day(probe, start=now - 24 * HOUR, first=100)
    to_topic = unique(f"{probe.topic}.replay-")
    live = Partner(bootstrap, await group_past_end(bootstrap, [probe.topic]), [probe.topic])
    async with live.running():
        await publish(day1)
        await wait_until(lambda: live.handled == len(day1), what="the live partner handling day 1")
        late = Partner(bootstrap, await group_past_end(bootstrap, [probe.topic, to_topic]), [probe.topic, to_topic])
        async with late.running():
            await publish(day2)
            await wait_until(lambda: live.handled == 12 and late.handled == 6, what="both partners handling day 2")
            assert late.state != live.state  # it missed day 1

            # It replays from the start of day 1, overlapping day 2, which it saw already.
            window = replay.replay_window(since=now - 49 * HOUR, to_topic=to_topic, topic=probe.topic)
            summary = await replay_window(window)
            assert summary.published == 12
            await wait_until(lambda: late.received == 6 + 12, what="the late partner reading the replay")

    assert late.state == live.state
    assert all(count == 1 for counts in late.state.values() for count in counts.values())
    assert sum(sum(counts.values()) for counts in late.state.values()) == 12
    assert late.duplicates == len(day2)  # day 2 came twice and was applied once
    assert live.duplicates == 0


async def test_a_partner_that_missed_a_day_replays_it_from_the_outbox_and_ends_like_a_live_one(broker, upstream):
    probe = await new_probe(broker.bootstrap)

    async def replay_outbox(window: replay.ReplayWindow) -> replay.ReplaySummary:
        return await replay.replay(window, bootstrap=broker.bootstrap, database=upstream, partitions=3)

    async with running(OutboxRelay(upstream, probe.settings).run()):
        await missed_day_then_replayed(broker.bootstrap, probe, lambda day: write_outbox(upstream, day),
                                       replay_outbox)


async def test_a_partner_that_missed_a_day_replays_it_from_kafka_and_ends_like_a_live_one(broker):
    probe = await new_probe(broker.bootstrap)

    async def replay_kafka(window: replay.ReplayWindow) -> replay.ReplaySummary:
        return await replay.replay(window, bootstrap=broker.bootstrap)

    async with started_producer(broker.bootstrap) as producer:
        await missed_day_then_replayed(broker.bootstrap, probe, lambda day: produce_at(producer, day), replay_kafka)


# --- From Kafka ---

async def test_kafka_replay_copies_the_window_with_keys_values_and_every_header(broker):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    before, inside, after = (a_day(probe, start=now - h * HOUR, first=h * 10, count=8, other_every=3)
                             for h in (72, 48, 24))
    async with started_producer(broker.bootstrap) as producer:
        await produce_at(producer, before + inside + after)
    originals = {header_value(m, "ce_id"): m for m in await all_messages(broker.bootstrap, probe.topic)}
    to_topic = unique(f"{probe.topic}.replay-")
    window = replay.replay_window(since=now - 48 * HOUR, until=now - 40 * HOUR, topic=probe.topic, to_topic=to_topic)

    summary = await replay.replay(window, bootstrap=broker.bootstrap)

    copies = await all_messages(broker.bootstrap, to_topic)
    assert applied_ns(copies) == sorted(ns(inside))
    assert summary.published == len(inside)
    assert summary.by_type == Counter({PROBE_CE_TYPE: 5, OTHER_CE_TYPE: 3})
    for copy in copies:
        original = originals[header_value(copy, "ce_id")]
        assert (copy.key, copy.value, list(copy.headers)) == (original.key, original.value, list(original.headers))
        assert copy.partition == original.partition  # same key, same partition count: same order per complaint


async def test_kafka_replay_keeps_only_the_types_asked_for_and_a_dry_run_publishes_nothing(broker):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    day = a_day(probe, start=now - 30 * HOUR, first=0, count=9, other_every=3)
    async with started_producer(broker.bootstrap) as producer:
        await produce_at(producer, day)
    wanted = {event.n for event, _at, ce_type in day if ce_type == OTHER_CE_TYPE}
    to_topic = unique(f"{probe.topic}.replay-")
    window = replay.replay_window(since=now - 31 * HOUR, topic=probe.topic, to_topic=to_topic, types=[OTHER_CE_TYPE])

    counted = await replay.replay(window, bootstrap=broker.bootstrap, dry_run=True)
    assert (counted.dry_run, counted.published, counted.scanned) == (True, len(wanted), len(day))
    assert not await topic_exists(broker.bootstrap, to_topic)

    summary = await replay.replay(window, bootstrap=broker.bootstrap)
    copies = await all_messages(broker.bootstrap, to_topic)
    assert set(applied_ns(copies)) == wanted and len(copies) == len(wanted)
    assert {header_value(m, "ce_type") for m in copies} == {OTHER_CE_TYPE}
    assert summary.by_type == Counter({OTHER_CE_TYPE: len(wanted)})


async def test_kafka_replay_of_a_topic_the_broker_lacks_is_refused(broker):
    window = replay.replay_window(since=datetime.now(UTC) - HOUR, topic=unique("absent-"), to_topic=unique("t-"))
    with pytest.raises(NotFound, match="no topic"):
        await replay.replay_from_kafka(broker.bootstrap, window, None)
    with pytest.raises(NotFound, match="no topic"):
        await replay.replay(window, bootstrap=broker.bootstrap)
    assert not await topic_exists(broker.bootstrap, window.to_topic)


# --- From the outbox ---

async def test_outbox_replay_takes_rows_created_in_the_window_of_the_types_asked_for(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    before, inside, after = (a_day(probe, start=now - h * HOUR, first=h * 10, count=6, other_every=2)
                             for h in (72, 48, 24))
    elsewhere = (await new_probe(broker.bootstrap)).recorded(999)
    await write_outbox(upstream, before + inside + after + [(elsewhere, now - 47 * HOUR, PROBE_CE_TYPE)])
    to_topic = unique(f"{probe.topic}.replay-")
    window = replay.replay_window(since=now - 48 * HOUR, until=now - 30 * HOUR, topic=probe.topic,
                                  to_topic=to_topic, types=[PROBE_CE_TYPE])

    assert await replay.count_outbox(upstream, window) == Counter({PROBE_CE_TYPE: 3})
    summary = await replay.replay(window, bootstrap=broker.bootstrap, database=upstream, partitions=3)

    copies = await all_messages(broker.bootstrap, to_topic)
    assert applied_ns(copies) == sorted(event.n for event, _at, t in inside if t == PROBE_CE_TYPE)
    assert (summary.source, summary.published, summary.scanned) == ("outbox", 3, 3)
    stored = {str(row["ce_id"]): row for row in await _outbox_rows(upstream)}
    for copy in copies:
        row = stored[header_value(copy, "ce_id")]
        assert copy.key.decode() == row["key"] and copy.value.decode() == row["payload"]
        assert [[k, v.decode()] for k, v in copy.headers] == json.loads(row["headers"])


async def test_an_outbox_window_without_events_publishes_nothing_and_creates_no_topic(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    await write_outbox(upstream, a_day(probe, start=now - 10 * HOUR, first=0, count=2))
    window = replay.replay_window(since=now - 5 * HOUR, to_topic=unique(f"{probe.topic}.replay-"))

    summary = await replay.replay(window, bootstrap=broker.bootstrap, database=upstream, partitions=3)

    assert (summary.published, summary.dry_run) == (0, False)
    assert not await topic_exists(broker.bootstrap, window.to_topic)


async def _outbox_rows(database: Database) -> list[dict]:
    async with database.engine.connect() as connection:
        return [dict(row._mapping) for row in await connection.execute(outbox.select())]



# --- A partner resets its own group, as docs/replay.md shows ---

def documented_reset() -> Callable[..., Awaitable[None]]:
    """`reset_group_to` exactly as docs/replay.md gives it to partners."""
    text = (Path(__file__).parents[3] / "docs" / "replay.md").read_text()
    namespace: dict = {}
    exec(text.split("```python\n", 1)[1].split("```", 1)[0], namespace)
    return namespace["reset_group_to"]


async def test_the_documented_group_reset_lets_a_partner_read_again_from_a_time(broker):
    probe = await new_probe(broker.bootstrap)
    now = datetime.now(UTC)
    day1, day2 = a_day(probe, start=now - 48 * HOUR, first=0), a_day(probe, start=now - 24 * HOUR, first=100)
    async with started_producer(broker.bootstrap) as producer:
        await produce_at(producer, day1)
        await produce_at(producer, day2)
    group = unique("partner-")

    await documented_reset()(broker.bootstrap, group, probe.topic, now - 25 * HOUR)

    partner = Partner(broker.bootstrap, group, [probe.topic])
    async with partner.running():
        # Brokers that find offsets per record batch (Tansu) may start a little early, never late.
        await wait_until(lambda: ns(day2) <= set(partner.state_ns()), what="the partner reading day 2 again")
