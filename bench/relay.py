"""Outbox relay throughput next to raw aiokafka produce throughput, measured against the same broker in one run.

Both sides use the producer the services use (`new_producer`), the same ~1 KB ComplaintReceivedV1 payloads,
keys and CloudEvents headers, and the relay's batch size. The raw side sends prepared messages; the relay
side drains a filled outbox with `OutboxRelay.publish_round`, so its lease, queries and marking rows sent count.
"""

import asyncio
import random
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from time import perf_counter
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from bench.databases import postgres_database, postgres_unreachable, sqlite_database
from bench.report import Step, Tracker, machine, markdown_table, median, now_iso, per_second, rounded
from shared.contracts.complaint import Channel, ComplaintReceivedV1
from shared.db import Database, UnitOfWork
from shared.messaging.cloudevents import Headers, envelope
from shared.messaging.kafka import ensure_topics, new_producer
from shared.messaging.outbox import OutboxRelay, backlog
from shared.settings import ServiceSettings

TOPIC = ComplaintReceivedV1.topic
PARTITIONS = 6
FILL_CHUNK = 500
DESCRIPTION_CHARS = 800
GOAL_RATIO = 0.5
LABELS = {"raw": "raw aiokafka produce", "sqlite": "outbox relay, SQLite", "postgres": "outbox relay, PostgreSQL"}
SENTENCES = (
    "The parcel was marked as delivered but never arrived at my address.",
    "I was charged twice for the same order and the refund has not come through.",
    "Your agent promised a call back within two days and nobody called.",
    "The replacement device shows the same fault as the first one.",
    "My contract was renewed without my consent at a higher monthly price.",
    "The branch closed early although the website says it is open until six.",
    "I have written three times and each reply asks me for the same documents.",
    "The app logs me out every time I try to upload the photo of the receipt.",
    "The technician left without finishing the installation and took the cable.",
    "Please explain why the late fee was applied when I paid on the due date.",
)

Messages = list[tuple[bytes, bytes, Headers]]
OpenDatabase = Callable[[], AbstractAsyncContextManager[Database]]


@dataclass(frozen=True)
class Plan:
    events: int
    repeat: int
    batch_size: int
    postgres_url: str | None


def a_complaint(rng: random.Random) -> ComplaintReceivedV1:
    text = " ".join(rng.choices(SENTENCES, k=16))[:DESCRIPTION_CHARS]
    return ComplaintReceivedV1(
        complaint_id=uuid4(), tracking_number=f"C-{rng.randrange(10**8):08d}", channel=rng.choice(list(Channel)),
        customer_id=f"cust-{rng.randrange(10**6):06d}", customer_tier="gold", locale="en-GB", language="en",
        subject="Refund still missing after six weeks", description=text, received_at=datetime.now(UTC),
    )


def workload(events: int, *, seed: int = 7) -> list[ComplaintReceivedV1]:
    rng = random.Random(seed)
    return [a_complaint(rng) for _ in range(events)]


def wire_messages(events: Sequence[ComplaintReceivedV1]) -> Messages:
    """What the relay would put on the wire for these events: value, key and ce_* headers."""
    items = [envelope(event, source="bench") for event in events]
    return [(item.value, item.key.encode(), item.headers()) for item in items]


def sizes(messages: Messages) -> dict[str, int]:
    count = len(messages)
    return {
        "message_bytes": round(sum(len(value) for value, _, _ in messages) / count),
        "header_bytes": round(sum(len(n) + len(v) for _, _, hs in messages for n, v in hs) / count),
    }


async def started_producer(bootstrap: str) -> AIOKafkaProducer:
    await ensure_topics(bootstrap, [TOPIC], partitions=PARTITIONS, replication=1)
    producer = new_producer(bootstrap, client_id="redress-bench")
    await producer.start()
    return producer


async def send_all(producer: AIOKafkaProducer, messages: Messages, *, batch_size: int, step: Step) -> float:
    """Raw produce, batched like `shared.messaging.outbox.publish`: send a batch, wait for every ack."""
    start = perf_counter()
    for first in range(0, len(messages), batch_size):
        batch = messages[first : first + batch_size]
        futures = [await producer.send(TOPIC, value, key=key, headers=headers) for value, key, headers in batch]
        await asyncio.gather(*futures)
        step(len(batch))
    return perf_counter() - start


async def fill_outbox(database: Database, events: Sequence[ComplaintReceivedV1], *, step: Step) -> None:
    for first in range(0, len(events), FILL_CHUNK):
        chunk = events[first : first + FILL_CHUNK]
        async with UnitOfWork(database, source="bench") as uow:
            for event in chunk:
                uow.emit(event)
            await uow.commit()
        step(len(chunk))


async def drain(relay: OutboxRelay, producer: AIOKafkaProducer, *, events: int, step: Step) -> float:
    """Seconds the relay takes to publish `events` rows, round after round as it does in a service."""
    sent = 0
    start = perf_counter()
    while sent < events:
        published = await relay.publish_round(producer)
        if published == 0:
            raise RuntimeError(f"the relay published nothing with {events - sent} rows left: lease lost?")
        sent += published
        step(published)
    await relay.settle()
    return perf_counter() - start


async def warm_up(producer: AIOKafkaProducer, messages: Messages, *, batch_size: int) -> None:
    """Connections to every partition leader and topic metadata, before anything is timed."""
    await send_all(producer, messages[: min(len(messages), 2_000)], batch_size=batch_size, step=lambda _: None)


async def raw_run(producer: AIOKafkaProducer, messages: Messages, *, batch_size: int, tracker: Tracker,
                  label: str) -> float:
    with tracker.step(f"{label}: raw produce", len(messages)) as step:
        elapsed = await send_all(producer, messages, batch_size=batch_size, step=step)
    return len(messages) / elapsed


async def relay_run(open_database: OpenDatabase, producer: AIOKafkaProducer, events: Sequence[ComplaintReceivedV1],
                    *, settings: ServiceSettings, tracker: Tracker, label: str) -> float:
    """Fill a fresh outbox (untimed), then time the relay draining it."""
    async with open_database() as database:
        with tracker.step(f"{label}: fill outbox (untimed)", len(events)) as step:
            await fill_outbox(database, events, step=step)
        relay = OutboxRelay(database, settings)
        try:
            with tracker.step(f"{label}: relay drains", len(events)) as step:
                elapsed = await drain(relay, producer, events=len(events), step=step)
        finally:
            await relay.lease.release()
        left = await backlog(database)
    if left:
        raise RuntimeError(f"{label}: {left} outbox rows still unsent after the relay published {len(events)}")
    return len(events) / elapsed


async def backends(plan: Plan) -> tuple[dict[str, OpenDatabase], list[str]]:
    """The databases to measure the relay on, and notes on the ones skipped."""
    chosen: dict[str, OpenDatabase] = {"sqlite": sqlite_database}
    if plan.postgres_url is None:
        return chosen, ["PostgreSQL skipped (--no-postgres)"]
    reason = await postgres_unreachable(plan.postgres_url)
    if reason:
        return chosen, [f"PostgreSQL skipped: {reason}"]
    admin_url = plan.postgres_url
    chosen["postgres"] = lambda: postgres_database(admin_url)
    return chosen, []


async def measure(plan: Plan, *, bootstrap: str, tracker: Tracker) -> dict[str, Any]:
    """Events/s of every run, interleaved (raw, then each database) so drift hits all paths alike."""
    events = workload(plan.events)
    messages = wire_messages(events)
    settings = ServiceSettings(kafka_bootstrap=bootstrap, outbox_batch_size=plan.batch_size)
    databases, notes = await backends(plan)
    runs: dict[str, list[float]] = {"raw": [], **{name: [] for name in databases}}
    producer = await started_producer(bootstrap)
    try:
        await warm_up(producer, messages, batch_size=plan.batch_size)
        for number in range(1, plan.repeat + 1):
            label = f"run {number}/{plan.repeat}"
            runs["raw"].append(await raw_run(producer, messages, batch_size=plan.batch_size, tracker=tracker,
                                             label=label))
            for name, open_database in databases.items():
                runs[name].append(await relay_run(open_database, producer, events, settings=settings,
                                                  tracker=tracker, label=f"{label} {name}"))
            tracker.note(f"{label}: " + ", ".join(f"{name} {rates[-1]:,.0f}/s" for name, rates in runs.items()))
    finally:
        await producer.stop()
    return {"runs": runs, "sizes": sizes(messages), "notes": notes}


def results(plan: Plan, measured: dict[str, Any]) -> dict[str, Any]:
    runs: dict[str, list[float]] = measured["runs"]
    raw = median(runs["raw"])
    relay = {name: _relay_entry(runs.get(name), raw) for name in ("sqlite", "postgres")}
    return {
        "benchmark": "outbox relay vs raw aiokafka produce",
        "machine": machine(),
        "events": plan.events,
        **measured["sizes"],
        "batch_size": plan.batch_size,
        "partitions": PARTITIONS,
        "repeat": plan.repeat,
        "raw_events_per_s": round(raw),
        "relay": relay,
        "runs": {name: rounded(rates) for name, rates in runs.items()},
        "goal": f"relay >= {GOAL_RATIO} x raw",
        "met": all(entry["ratio_to_raw"] >= GOAL_RATIO for entry in relay.values() if entry),
        "notes": measured["notes"],
        "measured_at": now_iso(),
    }


def _relay_entry(rates: list[float] | None, raw: float) -> dict[str, float] | None:
    if not rates:
        return None
    return {"events_per_s": round(median(rates)), "ratio_to_raw": round(median(rates) / raw, 3)}


def markdown(data: dict[str, Any]) -> list[str]:
    raw = data["raw_events_per_s"]
    rows = [[LABELS["raw"], per_second(raw), _runs(data["runs"]["raw"]), "1.00"]]
    for name, entry in data["relay"].items():
        if entry:
            rows.append([LABELS[name], per_second(entry["events_per_s"]), _runs(data["runs"][name]),
                         f"{entry['ratio_to_raw']:.2f}"])
    header = ["path", "events/s (median)", f"runs ({data['repeat']})", "ratio to raw"]
    facts = (f"{data['events']:,} ComplaintReceivedV1 events of {data['message_bytes']} B JSON "
             f"(+{data['header_bytes']} B ce_* headers), batches of {data['batch_size']}, "
             f"{data['partitions']} partitions, acks=all; measured {data['measured_at']}.")
    verdict = f"Goal: {data['goal']}: **{'met' if data['met'] else 'not met'}**."
    caveat = (f"The load generator and the embedded broker (Tansu) share this machine's "
              f"{data['machine']['cpus']} cores, so absolute figures are low and vary between runs: "
              "compare only figures from one run.")
    return [facts, markdown_table(header, rows), verdict, caveat, *data["notes"]]


def _runs(rates: list[float]) -> str:
    return ", ".join(per_second(rate) for rate in rates)
