"""The outbox relay against the real broker and database: nothing leaks from rolled-back work, nothing is lost
when the process dies after commit, each key keeps its order, and one relay at a time holds the lease."""

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select, update

from shared.db import Database, UnitOfWork
from shared.messaging.outbox import OutboxRelay, RelayLease, backlog, purge_expired, republish
from shared.messaging.tables import inbox, outbox, relay_lease
from tests.support import (
    all_messages,
    cancel,
    emit,
    header_value,
    new_probe,
    outbox_rows,
    read_messages,
    running,
    started_producer,
    wait_until,
)

ROOT = Path(__file__).parents[3]


class Boom(Exception):
    pass


async def test_rolled_back_work_publishes_nothing(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    complaint_id = uuid4()  # one key, one partition: whatever was emitted before the marker would come first
    async with running(OutboxRelay(upstream, probe.settings).run()):
        with pytest.raises(Boom):
            async with UnitOfWork(upstream, source="probe") as uow:
                uow.emit(probe.recorded(1, complaint_id=complaint_id))
                raise Boom
        async with UnitOfWork(upstream, source="probe") as uow:
            uow.emit(probe.recorded(2, complaint_id=complaint_id))  # and never committed
        await emit(upstream, probe.recorded(3, complaint_id=complaint_id))

        await read_messages(broker.bootstrap, probe.topic, 1)
        [marker] = await all_messages(broker.bootstrap, probe.topic)
        assert probe.event.model_validate_json(marker.value).n == 3
    assert [row.payload for row in await outbox_rows(upstream)] == [marker.value.decode()]


@pytest.mark.slow
async def test_events_committed_by_a_process_that_died_are_published_after_restart(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.messaging.commit_then_die", upstream.url, probe.topic, "5",
        cwd=ROOT,
    )
    assert await asyncio.wait_for(process.wait(), timeout=60) == -9
    committed = {str(row.ce_id) for row in await outbox_rows(upstream)}
    assert len(committed) == 5
    assert await backlog(upstream) == 5

    async with running(OutboxRelay(upstream, probe.settings).run()):
        messages = await read_messages(broker.bootstrap, probe.topic, 5)
        await wait_until(lambda: _backlog_is_empty(upstream), what="the relay marking the rows sent")

    assert {header_value(m, "ce_id") for m in messages} == committed
    assert sorted(probe.event.model_validate_json(m.value).n for m in messages) == list(range(5))


async def test_each_key_keeps_its_order(broker, upstream):
    probe = await new_probe(broker.bootstrap, partitions=4)
    keys = [uuid4() for _ in range(10)]
    per_key = 30

    async def emit_for(key_index: int) -> None:
        numbers = [key_index + 10 * i for i in range(per_key)]
        for start in range(0, per_key, 3):  # many small transactions, interleaved with the other keys'
            await emit(upstream, *(probe.recorded(n, complaint_id=keys[key_index]) for n in numbers[start:start + 3]))

    async with running(OutboxRelay(upstream, probe.settings).run()):
        await asyncio.gather(*(emit_for(k) for k in range(len(keys))))
        messages = await read_messages(broker.bootstrap, probe.topic, len(keys) * per_key)

    arrived: dict[str, list[int]] = {}
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        arrived.setdefault(message.key.decode(), []).append(probe.event.model_validate_json(message.value).n)
    assert arrived == {str(key): [k + 10 * i for i in range(per_key)] for k, key in enumerate(keys)}


async def test_the_relay_marks_rows_sent_and_republish_sends_them_again(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    before = datetime.now(UTC)
    await emit(upstream, *(probe.recorded(n) for n in range(3)))
    relay = OutboxRelay(upstream, probe.settings)
    async with started_producer(broker.bootstrap) as producer:
        assert await relay.publish_round(producer) == 3
        assert all(row.sent_at is not None for row in await outbox_rows(upstream))
        assert await backlog(upstream) == 0

        assert await republish(upstream, since=datetime.now(UTC)) == 0
        assert await republish(upstream, since=before, topics=["some.other.topic"]) == 0
        assert await republish(upstream, since=before) == 3
        assert await backlog(upstream) == 3
        assert await relay.publish_round(producer) == 3

    messages = await read_messages(broker.bootstrap, probe.topic, 6)
    ce_ids = [header_value(m, "ce_id") for m in messages]
    assert sorted(ce_ids) == sorted(2 * [str(row.ce_id) for row in await outbox_rows(upstream)])


async def test_purge_drops_only_sent_rows_older_than_the_retention(broker, upstream):
    probe = await new_probe(broker.bootstrap, outbox_retention_days=7, inbox_retention_days=14)
    now = datetime.now(UTC)
    await emit(upstream, *(probe.recorded(n) for n in range(4)))
    old_sent, new_sent, old_unsent, new_unsent = [row.id for row in await outbox_rows(upstream)]
    async with upstream.engine.begin() as connection:
        await connection.execute(update(outbox).where(outbox.c.id == old_sent).values(
            created_at=now - timedelta(days=9), sent_at=now - timedelta(days=8)))
        await connection.execute(update(outbox).where(outbox.c.id == new_sent).values(
            created_at=now - timedelta(days=9), sent_at=now - timedelta(days=6)))
        await connection.execute(update(outbox).where(outbox.c.id == old_unsent).values(
            created_at=now - timedelta(days=30)))
        await connection.execute(inbox.insert(), [
            {"consumer": "g", "event_id": "old", "processed_at": now - timedelta(days=15)},
            {"consumer": "g", "event_id": "new", "processed_at": now - timedelta(days=13)},
        ])

    assert await purge_expired(upstream, probe.settings, now=now) == (1, 1)

    assert [row.id for row in await outbox_rows(upstream)] == [new_sent, old_unsent, new_unsent]
    async with upstream.engine.connect() as connection:
        assert (await connection.execute(inbox.select())).all()[0].event_id == "new"


async def test_one_relay_holds_the_lease_until_it_expires(upstream):
    first, second = RelayLease(upstream, ttl_s=1.0), RelayLease(upstream, ttl_s=1.0)
    started = datetime.now(UTC)
    assert await first.hold()
    assert not await second.hold()
    assert await first.hold()
    # `first` renews no more from here on, as a hung process would not.

    await wait_until(second.hold, within=5, what="the second relay taking over the lease")

    assert datetime.now(UTC) - started >= timedelta(seconds=1.0)
    assert not await first.hold()
    await second.release()
    assert await first.hold()


async def test_of_two_relays_one_publishes_and_the_other_takes_over(broker, upstream):
    probe = await new_probe(broker.bootstrap)
    elsewhere = Database(upstream.url)  # the second relay's process would have an engine of its own
    relays = [OutboxRelay(upstream, probe.settings), OutboxRelay(elsewhere, probe.settings)]
    tasks = {relay.lease.holder: asyncio.create_task(relay.run()) for relay in relays}
    try:
        for n in range(40):
            await emit(upstream, probe.recorded(n))
        await wait_until(lambda: _backlog_is_empty(upstream), what="the first events going out")
        holder = await _lease_holder(upstream)

        await cancel(tasks.pop(holder))
        [remaining] = tasks
        for n in range(40, 80):
            await emit(upstream, probe.recorded(n))
        await wait_until(lambda: _backlog_is_empty(upstream), what="the other relay taking over")
        assert await _lease_holder(upstream) == remaining
    finally:
        for task in tasks.values():
            await cancel(task)
        await elsewhere.dispose()

    # Had both relays published at once, some events would be on the topic twice.
    published = [header_value(m, "ce_id") for m in await all_messages(broker.bootstrap, probe.topic)]
    assert sorted(published) == sorted(str(row.ce_id) for row in await outbox_rows(upstream))


async def _backlog_is_empty(database: Database) -> bool:
    return await backlog(database) == 0


async def _lease_holder(database: Database) -> str:
    async with database.engine.connect() as connection:
        return (await connection.execute(select(relay_lease.c.holder))).scalar_one()
