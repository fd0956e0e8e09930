"""A partner's consumer of Redress events, written with nothing but aiokafka and the standard library.

Redress publishes every event on Kafka as a CloudEvent in *binary mode*:

    key      the complaint id (all events of one complaint are on one partition, in order)
    headers  ce_specversion "1.0", ce_id (a UUID, unique per event), ce_type (e.g.
             "redress.complaint.received.v1"), ce_source (the service), ce_time (ISO 8601),
             ce_subject (the complaint id), content-type "application/json"
    value    the event's data as JSON

Delivery is at-least-once: after a crash, a rebalance or a replay, the same event (same ce_id) can arrive
again. This consumer therefore

  * applies each event at most once: the event's ce_id and its effect are written to a small SQLite file in
    ONE transaction, and an id already there is skipped;
  * commits its Kafka offsets only after the events are applied, so nothing is lost if it dies mid-batch;
  * folds the events into a per-complaint state (status, number of customer replies, last event);
  * ignores event types it does not know, so new types published later do not break it.

Run it (Ctrl-C stops it; options can also come from the environment variables named in --help):

    python examples/partner_consumer.py --bootstrap 127.0.0.1:9092 --group acme --state acme.sqlite
    python examples/partner_consumer.py --since 2026-03-01T00:00:00Z ...  # replay from a time on
    python examples/partner_consumer.py --show --state acme.sqlite     # print the folded state and exit

Rewinding (--since) replays what Kafka still holds from that time on; the events keep their ce_id, so those
already applied are skipped and only the missing ones change the state.
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError
from aiokafka.structs import ConsumerRecord

log = logging.getLogger("partner_consumer")

COMPLAINT_TOPIC = "redress.complaint.v1"
RECEIVED = "redress.complaint.received.v1"
STATUS_CHANGED = "redress.complaint.status-changed.v1"
CUSTOMER_REPLIED = "redress.complaint.customer-replied.v1"
WITHDRAWN = "redress.complaint.withdrawn.v1"
ESCALATED = "redress.complaint.escalated.v1"


@dataclass(frozen=True)
class CloudEvent:
    """The CloudEvents attributes from the headers, the data from the value, and where the record was."""

    id: str
    type: str
    source: str
    time: str | None
    subject: str
    data: dict[str, Any]
    topic: str
    partition: int
    offset: int


def decode(record: ConsumerRecord) -> CloudEvent | None:
    """The CloudEvent in a Kafka record, or None when the record is not one (no ce_id or ce_type header)."""
    headers = {name: (value or b"").decode() for name, value in record.headers or ()}
    if not headers.get("ce_id") or not headers.get("ce_type"):
        return None
    subject = headers.get("ce_subject") or (record.key or b"").decode()
    return CloudEvent(id=headers["ce_id"], type=headers["ce_type"], source=headers.get("ce_source", ""),
                      time=headers.get("ce_time"), subject=subject, data=json.loads(record.value or b"null"),
                      topic=record.topic, partition=record.partition, offset=record.offset)


def fold(state: dict[str, Any], event: CloudEvent) -> dict[str, Any]:
    """The complaint's state after `event`: a pure function, so it is easy to test and to change."""
    state = {**state, "events": state.get("events", 0) + 1, "last_event_type": event.type,
             "last_event_at": event.time}
    if event.type == RECEIVED:
        state.update(status="received", tracking_number=event.data.get("tracking_number"))
    elif event.type == STATUS_CHANGED:
        state["status"] = event.data["to_status"]
    elif event.type == CUSTOMER_REPLIED:
        state["replies"] = state.get("replies", 0) + 1
    elif event.type == WITHDRAWN:
        state["status"] = "withdrawn"
    elif event.type == ESCALATED:
        state["escalation_level"] = event.data["level"]
    return state


SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_event (      -- one row per ce_id ever applied
    ce_id TEXT PRIMARY KEY, ce_type TEXT NOT NULL, subject TEXT NOT NULL,
    topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS complaint (            -- the folded state, as JSON, per complaint id
    complaint_id TEXT PRIMARY KEY, state TEXT NOT NULL
);
"""


@dataclass
class StateStore:
    """The partner's own small database: processed event ids and the per-complaint state."""

    path: str
    applied: int = 0
    skipped: list[str] = field(default_factory=list)  # ce_ids seen again and not applied (this run)

    def __post_init__(self) -> None:
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)

    def apply(self, event: CloudEvent) -> bool:
        """Apply `event` unless its ce_id was applied before; True when it was applied now."""
        with self.db:  # one transaction: the id and the effect commit together, or neither does
            inserted = self.db.execute(
                'INSERT OR IGNORE INTO processed_event (ce_id, ce_type, subject, topic, partition, "offset") '
                "VALUES (?, ?, ?, ?, ?, ?)",
                (event.id, event.type, event.subject, event.topic, event.partition, event.offset)).rowcount
            if not inserted:
                self.skipped.append(event.id)
                return False
            state = fold(self.complaint(event.subject) or {}, event)
            self.db.execute("INSERT OR REPLACE INTO complaint (complaint_id, state) VALUES (?, ?)",
                            (event.subject, json.dumps(state)))
        self.applied += 1
        return True

    def complaint(self, complaint_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT state FROM complaint WHERE complaint_id = ?", (complaint_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def complaints(self) -> dict[str, dict[str, Any]]:
        return {cid: json.loads(state) for cid, state in self.db.execute("SELECT complaint_id, state FROM complaint")}

    def processed(self, complaint_id: str) -> list[dict[str, Any]]:
        """The applied events of one complaint, in the order they were applied."""
        rows = self.db.execute('SELECT ce_id, ce_type, topic, partition, "offset" FROM processed_event '
                               "WHERE subject = ? ORDER BY rowid", (complaint_id,))
        return [dict(zip(("ce_id", "ce_type", "topic", "partition", "offset"), row, strict=True)) for row in rows]

    def close(self) -> None:
        self.db.close()


@dataclass(frozen=True)
class Options:
    bootstrap: str = "127.0.0.1:9092"
    group: str = "partner-example"
    topics: tuple[str, ...] = (COMPLAINT_TOPIC,)
    # Joining a group takes about half the session timeout; keep Kafka's defaults unless you need speed.
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 3_000


def handle(store: StateStore, record: ConsumerRecord) -> None:
    try:
        event = decode(record)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        # Retrying will not make it readable: log it and move on (or park it somewhere for a person).
        log.warning("skipping unreadable record %s/%s@%s: %s", record.topic, record.partition, record.offset, exc)
        return
    if event is None:
        return
    if store.apply(event):
        log.info("applied %s %s for %s", event.type, event.id, event.subject)
    else:
        log.info("skipped %s %s: already applied (a redelivery)", event.type, event.id)


async def consume(options: Options, store: StateStore, *, stop: asyncio.Event | None = None,
                  since: datetime | None = None) -> None:
    """Read the topics in the partner's group until `stop` is set (or the task is cancelled); with `since`,
    first go back to the records of that time (see RewindOnAssignment)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=options.bootstrap, group_id=options.group,
        enable_auto_commit=False,        # we commit ourselves, after applying
        auto_offset_reset="earliest",    # a new group starts with the oldest events Kafka still holds
        fetch_max_wait_ms=100, session_timeout_ms=options.session_timeout_ms,
        heartbeat_interval_ms=options.heartbeat_interval_ms)
    await consumer.start()
    consumer.subscribe(options.topics, listener=RewindOnAssignment(consumer, since) if since else None)
    try:
        while stop is None or not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            for partition, records in batches.items():
                for record in records:
                    handle(store, record)
                await commit(consumer, partition, records[-1].offset + 1)
    finally:
        await consumer.stop()


async def commit(consumer: AIOKafkaConsumer, partition: TopicPartition, offset: int) -> None:
    try:
        await consumer.commit({partition: offset})
    except CommitFailedError as exc:
        # The group rebalanced: whoever gets the partition reads these records again, and skips them by ce_id.
        log.warning("offset commit failed (%s); the records will be delivered again", exc)


class RewindOnAssignment(ConsumerRebalanceListener):
    """Moves each newly assigned partition back to its first record at or after `since`, once per partition.

    The move happens as a member of the group, so it works on any Kafka; the offsets commit as records are
    applied. Without a record that late on a partition, the partition keeps its committed position."""

    def __init__(self, consumer: AIOKafkaConsumer, since: datetime) -> None:
        self.consumer, self.since, self.rewound = consumer, since, set[TopicPartition]()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        todo = assigned - self.rewound
        if not todo:
            return
        found = await self.consumer.offsets_for_times({tp: int(self.since.timestamp() * 1000) for tp in todo})
        for tp in todo:
            if found[tp] is not None:
                self.consumer.seek(tp, found[tp].offset)
        self.rewound |= todo


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Consume Redress events idempotently into a SQLite file.")
    parser.add_argument("--bootstrap", default=env("REDRESS_KAFKA_BOOTSTRAP", Options.bootstrap),
                        help="Kafka bootstrap servers (env REDRESS_KAFKA_BOOTSTRAP)")
    parser.add_argument("--group", default=env("PARTNER_GROUP", Options.group),
                        help="your consumer group (env PARTNER_GROUP)")
    parser.add_argument("--topic", action="append", dest="topics",
                        help=f"topic to read, repeatable (env PARTNER_TOPICS, comma-separated; "
                        f"default {COMPLAINT_TOPIC})")
    parser.add_argument("--state", default=env("PARTNER_STATE", "partner-state.sqlite"),
                        help="the SQLite file of processed ids and state (env PARTNER_STATE)")
    parser.add_argument("--since", type=datetime.fromisoformat,
                        help="first go back to the events of this time (ISO 8601 with a zone); use it on one run only")
    parser.add_argument("--show", action="store_true", help="print the folded state as JSON and exit")
    args = parser.parse_args(argv)
    args.topics = tuple(args.topics or env("PARTNER_TOPICS", COMPLAINT_TOPIC).split(","))
    return args


async def run(args: argparse.Namespace) -> None:
    store = StateStore(args.state)
    try:
        if args.show:
            print(json.dumps(store.complaints(), indent=2, ensure_ascii=False))
            return
        options = Options(bootstrap=args.bootstrap, group=args.group, topics=args.topics)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        await consume(options, store, stop=stop, since=args.since)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    main()
