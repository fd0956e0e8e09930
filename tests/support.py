"""Helpers that test modules import: `from tests.support import unique`."""

from dataclasses import dataclass, field
from uuid import uuid4


def unique(prefix: str) -> str:
    """`prefix` plus random hex, so each test has topics and groups of its own."""
    return f"{prefix}{uuid4().hex[:10]}"


@dataclass(frozen=True)
class ExternalBroker:
    """A broker the test run did not start (REDRESS_TEST_KAFKA_BOOTSTRAP); it cannot be restarted."""

    bootstrap: str


# --- Messaging tests: a probe "service" (its own event, registry, table, handler) and waits with deadlines. ---

import asyncio  # noqa: E402
import contextlib  # noqa: E402
import inspect  # noqa: E402
import time  # noqa: E402
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine  # noqa: E402
from typing import Any, ClassVar  # noqa: E402
from uuid import UUID  # noqa: E402

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # noqa: E402
from aiokafka.structs import ConsumerRecord, RecordMetadata  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select  # noqa: E402

from shared.contracts import Event, EventRegistry  # noqa: E402
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.messaging.cloudevents import envelope  # noqa: E402
from shared.messaging.consumer import ConsumerRunner  # noqa: E402
from shared.messaging.kafka import ensure_topics, new_producer  # noqa: E402
from shared.messaging.tables import inbox, messaging_metadata, outbox  # noqa: E402
from shared.metrics import Metrics  # noqa: E402
from shared.settings import ServiceSettings  # noqa: E402

PROBE_CE_TYPE = "redress.probe.recorded.v1"
SENTINEL = "test_sentinel"

probe_metadata = MetaData()
# No unique constraint on purpose: an event applied twice shows up as a count of 2.
applied = Table(
    "applied",
    probe_metadata,
    Column("event_n", Integer, nullable=False),
    Column("complaint_id", String(64), nullable=False),
)


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


def probe_settings(bootstrap: str, **overrides: Any) -> ProbeSettings:
    """Settings that make groups join in about a second and retries take milliseconds."""
    return ProbeSettings(**{
        "kafka_bootstrap": bootstrap, "kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300,
        "consumer_backoff_s": 0.05, "consumer_backoff_max_s": 0.2, "consumer_max_attempts": 3,
        "outbox_poll_s": 0.05, "relay_lease_s": 2, "consumer_group": unique("g-"), "topic_partitions": 3,
        **overrides,
    })


def probe_event_class(topic: str) -> type[Event]:
    """A `ProbeRecordedV1` bound to `topic`: a class per test, since a ClassVar cannot vary per instance."""
    topic_name = topic

    class ProbeRecordedV1(Event):
        topic: ClassVar[str] = topic_name
        ce_type: ClassVar[str] = PROBE_CE_TYPE
        n: int

    return ProbeRecordedV1


@dataclass(frozen=True)
class Probe:
    """One test's probe: a topic of its own (created, with its DLQ), its event class, registry and settings."""

    topic: str
    event: type[Event]
    registry: EventRegistry
    settings: ProbeSettings

    def recorded(self, n: int, *, complaint_id: UUID | None = None) -> Event:
        return self.event(complaint_id=complaint_id or uuid4(), n=n)


async def new_probe(bootstrap: str, *, partitions: int = 3, **overrides: Any) -> Probe:
    topic = unique("probe-")
    await ensure_topics(bootstrap, [topic, f"{topic}.dlq"], partitions=partitions, replication=1)
    event = probe_event_class(topic)
    return Probe(topic, event, EventRegistry([event]), probe_settings(bootstrap, **overrides))


# Databases

async def create_probe_tables(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all)
        await connection.run_sync(probe_metadata.create_all)


async def record_applied(event: Any, uow: UnitOfWork) -> None:
    """The probe's handler: one `applied` row per application of an event."""
    await uow.session.execute(applied.insert().values(event_n=event.n, complaint_id=str(event.complaint_id)))


async def emit(database: Database, *events: Event) -> None:
    """Commit `events` to the outbox in one transaction, as a use case would."""
    async with UnitOfWork(database, source="probe") as uow:
        for event in events:
            uow.emit(event)
        await uow.commit()


async def applied_counts(database: Database) -> dict[int, int]:
    """How many times each `n` was applied."""
    async with database.engine.connect() as connection:
        rows = await connection.execute(select(applied.c.event_n, func.count()).group_by(applied.c.event_n))
        return {n: count for n, count in rows.all()}


async def outbox_rows(database: Database) -> list[Any]:
    async with database.engine.connect() as connection:
        return list((await connection.execute(select(outbox).order_by(outbox.c.id))).all())


async def inbox_count(database: Database) -> int:
    async with database.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(inbox))).scalar_one()


# Relays, runners and waiting

def probe_runner(probe: Probe, database: Database, *, handler: Callable[..., Awaitable[None]] = record_applied,
                 metrics: Metrics | None = None, **settings: Any) -> ConsumerRunner:
    """A consumer runner in the probe's group that applies probe events to `database`."""
    return ConsumerRunner(probe.settings.model_copy(update=settings),
                          uow_factory=lambda: UnitOfWork(database, source="probe"),
                          handlers={probe.event: handler}, registry=probe.registry, metrics=metrics)


def consumed(metrics: Metrics, outcome: str) -> float:
    """How many probe events a runner reported with this outcome (applied, duplicate, dead_lettered …)."""
    labels = {"type": PROBE_CE_TYPE, "outcome": outcome}
    return metrics.registry.get_sample_value("redress_events_consumed_total", labels) or 0.0


async def wait_until(predicate: Callable[[], Any], *, within: float = 20.0, interval: float = 0.05,
                     what: str = "the condition") -> Any:
    """Poll `predicate` (plain or async) until it returns something truthy; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {within:.0f} s")
        await asyncio.sleep(interval)


async def wait_assigned(*runners: ConsumerRunner, within: float = 15.0) -> None:
    """Until every runner holds partitions; joining a group takes about half the session timeout."""
    await wait_until(lambda: all(r.assigned.is_set() for r in runners), within=within, what="partition assignment")


@contextlib.asynccontextmanager
async def running(coroutine: Coroutine[Any, Any, Any]) -> AsyncIterator[asyncio.Task]:
    """Run a long-lived coroutine (a relay's or runner's `run()`) as a task; cancel it on the way out.

    A task that died on its own re-raises its error there, so a crash cannot go unnoticed."""
    task = asyncio.create_task(coroutine)
    try:
        yield task
    finally:
        crashed = task.done() and not task.cancelled() and task.exception() is not None
        await cancel(task)
        if crashed:
            raise task.exception()  # type: ignore[misc]


async def cancel(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def redress(*args: str, env: dict[str, str]) -> str:
    """Run the `redress` CLI in a thread (it runs an event loop of its own); returns its output, exit code 0."""
    from typer.testing import CliRunner

    from services.cli import app

    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env={"COLUMNS": "250", **env})
    assert result.exit_code == 0, f"redress {' '.join(args)} failed ({result.exit_code}): {result.output}"
    return result.output


# Kafka

@contextlib.asynccontextmanager
async def started_producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = new_producer(bootstrap, client_id=unique("test-producer-"))
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def produce_event(producer: AIOKafkaProducer, event: Event, *, ce_id: UUID | None = None,
                        value: bytes | None = None, ce_type: str | None = None,
                        partition: int | None = None) -> RecordMetadata:
    """Send `event` as the relay would, optionally spoiling its value or type; returns where it landed."""
    item = envelope(event, source="probe", ce_id=ce_id)
    headers = [(k, ce_type.encode() if k == "ce_type" and ce_type else v) for k, v in item.headers()]
    return await producer.send_and_wait(item.topic, item.value if value is None else value,
                                        key=item.key.encode(), headers=headers, partition=partition)


async def produce_events(producer: AIOKafkaProducer, events: list[Event]) -> list[RecordMetadata]:
    """Send many events at once, as the relay would, and wait for every ack."""
    futures = []
    for item in (envelope(event, source="probe") for event in events):
        futures.append(await producer.send(item.topic, item.value, key=item.key.encode(), headers=item.headers()))
    return list(await asyncio.gather(*futures))


def header_value(message: ConsumerRecord, name: str) -> str | None:
    return next((v.decode() for k, v in message.headers or () if k == name), None)


@contextlib.asynccontextmanager
async def reading(bootstrap: str, topic: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer without a group, assigned every partition of `topic` from the beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
        assert partitions, f"topic {topic} does not exist"
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        yield consumer
    finally:
        await consumer.stop()


async def read_messages(bootstrap: str, topic: str, count: int, *, within: float = 20.0) -> list[ConsumerRecord]:
    """At least the first `count` messages of `topic`, over all its partitions."""
    messages: list[ConsumerRecord] = []
    deadline = time.monotonic() + within
    async with reading(bootstrap, topic) as consumer:
        while len(messages) < count and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=100)).values():
                messages += batch
    assert len(messages) >= count, f"read {len(messages)} of {count} messages from {topic} in {within:.0f} s"
    return messages


async def all_messages(bootstrap: str, topic: str, *, within: float = 20.0) -> list[ConsumerRecord]:
    """Everything `topic` holds now. A sentinel sent to each partition marks its end: Tansu's end offsets
    cannot be trusted for that (after a batch of several records it reports the batch's first offset + 1)."""
    messages: list[ConsumerRecord] = []
    async with reading(bootstrap, topic) as consumer:
        unfinished = consumer.assignment()
        async with started_producer(bootstrap) as producer:
            for tp in unfinished:
                await producer.send_and_wait(topic, b"", partition=tp.partition, headers=[(SENTINEL, b"")])
        deadline = time.monotonic() + within
        while unfinished and time.monotonic() < deadline:
            for tp, batch in (await consumer.getmany(timeout_ms=100)).items():
                for message in batch:
                    if header_value(message, SENTINEL) is None:
                        messages.append(message)
                    else:
                        unfinished = unfinished - {tp}
    assert not unfinished, f"could not read {topic} to its end in {within:.0f} s"
    return messages


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer.topics()  # loads the metadata that partitions_for_topic reads
    return set(consumer.partitions_for_topic(topic) or ())


async def group_at_end(bootstrap: str, topics: list[str] | tuple[str, ...], *, prefix: str = "test-") -> str:
    """A consumer group of the test's own whose offsets point at the end of `topics`, so a service reads what
    this test causes rather than everything earlier tests left on the shared broker. The end is the high
    watermark a fetch reports: the embedded broker answers ListOffsets short of a batch's last record."""
    group = unique(prefix)
    await ensure_topics(bootstrap, list(topics), partitions=6, replication=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                fetch_max_wait_ms=10)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for topic in topics
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)

        async def fetched_everywhere() -> bool:
            await consumer.getmany(timeout_ms=50)
            return all(consumer.highwater(tp) is not None for tp in partitions)

        await wait_until(fetched_everywhere, within=30, what="a fetch from every partition")
        await asyncio.wait_for(consumer.commit({tp: consumer.highwater(tp) for tp in partitions}), timeout=30)
    finally:
        await consumer.stop()
    return group


# --- What the services publish, as a test sees it on the broker. ---

from shared.contracts import REGISTRY  # noqa: E402


@dataclass(frozen=True)
class Logged:
    topic: str
    key: str | None
    ce_type: str
    source: str | None
    event: Event


@dataclass
class EventLog:
    """The events on some topics from the moment the log started, in the order each partition holds them. One
    complaint's events share a partition (they are keyed by its id), so on one topic they are in publishing
    order."""

    within: float = 20.0
    entries: list[Logged] = field(default_factory=list)

    def on(self, complaint_id: UUID, topic: str) -> list[Logged]:
        return [e for e in self.entries if e.topic == topic and e.key == str(complaint_id)]

    def of(self, complaint_id: UUID, event_class: type[Event], where: Callable[[Any], bool] = lambda e: True
           ) -> list[Any]:
        return [e.event for e in self.on(complaint_id, event_class.topic)
                if e.ce_type == event_class.ce_type and where(e.event)]

    async def wait_for(self, complaint_id: UUID, event_class: type[Event], *, count: int = 1,
                       where: Callable[[Any], bool] = lambda e: True, within: float | None = None) -> list[Any]:
        def found() -> list[Any]:
            matching = self.of(complaint_id, event_class, where)
            return matching if len(matching) >= count else []
        return await wait_until(found, within=within or self.within,
                                what=f"{count} × {event_class.ce_type} for {complaint_id}")


@contextlib.asynccontextmanager
async def following(bootstrap: str, topics: list[str] | tuple[str, ...], *, within: float = 20.0
                    ) -> AsyncIterator[EventLog]:
    """An EventLog of what reaches `topics` from now on. It starts at the end, not the beginning: on the shared
    broker of a long test run, reading (and decoding) every earlier test's events first can take longer than a
    test waits. Positions are settled before the log is handed out, so nothing the test causes is missed."""
    await ensure_topics(bootstrap, list(topics), partitions=6, replication=1)
    log = EventLog(within=within)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=10)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for topic in topics for p in sorted(await _partitions(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:  # resolves the end now; the embedded broker may give one a little early
            await consumer.position(partition)
        async with running(_append_to(log, consumer)):
            yield log
    finally:
        await consumer.stop()


async def _append_to(log: EventLog, consumer: AIOKafkaConsumer) -> None:
    while True:
        for partition, batch in (await consumer.getmany(timeout_ms=100)).items():
            for message in batch:
                ce_type = header_value(message, "ce_type")
                if header_value(message, SENTINEL) is None and ce_type:
                    key = message.key.decode() if message.key else None
                    event = REGISTRY.model_for(ce_type).model_validate_json(message.value)
                    log.entries.append(Logged(partition.topic, key, ce_type, header_value(message, "ce_source"),
                                              event))


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """`app` on a free port of a real HTTP server (for a browser, or a service calling back); yields its base URL.
    Lifespan is off: the app's own is already running, or it has none."""
    import uvicorn

    from shared.broker import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


# --- Credentials: every endpoint but health, metrics, docs and the customer's pages needs an API key. ---

import httpx  # noqa: E402

from shared.auth.deps import API_KEY_HEADER  # noqa: E402
from shared.auth.provision import grant  # noqa: E402
from shared.auth.roles import Role  # noqa: E402


async def authorised(client: httpx.AsyncClient, database_urls: str | list[str], *roles: Role,
                     name: str = "test") -> str:
    """A new key with `roles` (admin by default) stored in the service's migrated database(s), sent from now on by
    `client` in X-API-Key; returns the key's text."""
    urls = [database_urls] if isinstance(database_urls, str) else database_urls
    key = await grant(urls, *(roles or (Role.ADMIN,)), name=name)
    client.headers[API_KEY_HEADER] = key
    return key
