"""examples/partner_consumer.py against intake and the real broker: it folds a filed complaint's events into its
state, and an event delivered twice (the same record produced again, or read again after the group was rewound)
changes nothing the second time."""

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from examples.partner_consumer import (
    COMPLAINT_TOPIC,
    CUSTOMER_REPLIED,
    RECEIVED,
    WITHDRAWN,
    Options,
    StateStore,
    consume,
)
from tests.examples.conftest import file_complaint, script
from tests.support import group_at_end, header_value, running, started_producer, wait_until


@pytest.fixture
async def options(broker) -> Options:
    group = await group_at_end(broker.bootstrap, [COMPLAINT_TOPIC], prefix="partner-")
    return Options(bootstrap=broker.bootstrap, group=group, session_timeout_ms=2000, heartbeat_interval_ms=300)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    opened = StateStore(str(tmp_path / "partner.sqlite"))
    yield opened
    opened.close()


@contextlib.asynccontextmanager
async def partner(options: Options, store: StateStore, *, since: datetime | None = None) -> AsyncIterator[None]:
    async with running(consume(options, store, since=since)):
        yield


async def state_where(store: StateStore, complaint_id: str, **expected: object) -> dict:
    def matching() -> dict | None:
        state = store.complaint(complaint_id) or {}
        return state if all(state.get(k) == v for k, v in expected.items()) else None
    return await wait_until(matching, within=30, what=f"the partner's state of {complaint_id} to show {expected}")


async def record_at(bootstrap: str, topic: str, partition: int, offset: int) -> ConsumerRecord:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        return await asyncio.wait_for(consumer.getone(), timeout=20)
    finally:
        await consumer.stop()


def folded(path: Path, complaint_id: str) -> dict | None:
    """The state the script folded, read without writing (the script may be writing right now)."""
    if not path.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            row = db.execute("SELECT state FROM complaint WHERE complaint_id = ?", (complaint_id,)).fetchone()
        except sqlite3.OperationalError:  # the script has not created its tables yet
            return None
    return json.loads(row[0]) if row else None


async def reply(intake, ack: dict, message: str) -> None:
    answer = await intake.client.post(f"/v1/track/{ack['tracking_number']}/replies",
                                      json={"verification": ack["email"], "message": message})
    assert answer.status_code == 204, answer.text


async def test_a_filed_complaint_is_folded_and_the_same_record_produced_again_is_skipped(intake, options, store,
                                                                                        broker):
    async with partner(options, store):
        ack = await file_complaint(intake)
        state = await state_where(store, ack["id"], status="received")
        assert state["tracking_number"] == ack["tracking_number"] and state["events"] == 1
        [received] = store.processed(ack["id"])

        original = await record_at(broker.bootstrap, received["topic"], received["partition"], received["offset"])
        assert header_value(original, "ce_id") == received["ce_id"]
        assert header_value(original, "ce_type") == RECEIVED and header_value(original, "ce_source") == "intake"
        async with started_producer(broker.bootstrap) as producer:  # the same record on the wire once more
            await producer.send_and_wait(original.topic, original.value, key=original.key,
                                         headers=list(original.headers), partition=original.partition)
        # The reply's event lands after the copy on the same partition: once it is applied, the copy was handled.
        await reply(intake, ack, "The second charge is still on my statement.")
        state = await state_where(store, ack["id"], replies=1)

    assert state["events"] == 2 and state["status"] == "received"
    assert received["ce_id"] in store.skipped
    assert [e["ce_type"] for e in store.processed(ack["id"])] == [RECEIVED, CUSTOMER_REPLIED]


async def test_a_group_rewound_to_a_time_reads_again_but_applies_only_what_is_new(intake, options, store):
    async with partner(options, store):
        ack = await file_complaint(intake)
        await reply(intake, ack, "Here is the receipt number: 77120.")
        await state_where(store, ack["id"], replies=1)
    applied = store.processed(ack["id"])
    assert [e["ce_type"] for e in applied] == [RECEIVED, CUSTOMER_REPLIED]

    # As a partner unsure of what it missed would: go back to a time, then consume again with the same store.
    since = datetime.fromisoformat(ack["received_at"]) - timedelta(seconds=1)
    async with partner(options, store, since=since):
        withdrawn = await intake.client.post(f"/v1/track/{ack['tracking_number']}/withdrawal",
                                             json={"verification": ack["email"], "reason": "Refunded by my bank."})
        assert withdrawn.status_code == 204, withdrawn.text
        state = await state_where(store, ack["id"], status="withdrawn")

    assert state["events"] == 3 and state["replies"] == 1
    assert {e["ce_id"] for e in applied} <= set(store.skipped)
    assert [e["ce_type"] for e in store.processed(ack["id"])] == [RECEIVED, CUSTOMER_REPLIED, WITHDRAWN]


@pytest.mark.slow
async def test_the_script_consumes_until_stopped_and_shows_what_it_folded(intake, options, tmp_path):
    state = tmp_path / "script.sqlite"
    env = {"REDRESS_KAFKA_BOOTSTRAP": options.bootstrap, "PARTNER_GROUP": options.group, "PARTNER_STATE": str(state)}
    async with script("partner_consumer.py", env=env, cwd=tmp_path):
        ack = await file_complaint(intake)
        # The script joins its group with Kafka's default timeouts: about five seconds.
        await wait_until(lambda: folded(state, ack["id"]), within=60, what="the script to apply the event")
    async with script("partner_consumer.py", "--show", env=env, cwd=tmp_path) as show:
        shown = json.loads(await show.stdout.read())
    assert shown[ack["id"]]["tracking_number"] == ack["tracking_number"]
    assert shown[ack["id"]]["status"] == "received"
