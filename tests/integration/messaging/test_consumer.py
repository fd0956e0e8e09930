"""The consumer runner against the real broker and database: a redelivered event changes nothing, and the
replicas of a consumer group share the partitions and take over from one another."""

import asyncio
from uuid import uuid4

from shared.metrics import Metrics
from tests.support import (
    applied_counts,
    cancel,
    consumed,
    inbox_count,
    new_probe,
    outbox_rows,
    probe_runner,
    produce_event,
    produce_events,
    record_applied,
    running,
    started_producer,
    unique,
    wait_assigned,
    wait_until,
)


async def test_a_redelivered_event_changes_nothing(broker, downstream):
    probe = await new_probe(broker.bootstrap)

    async def record_and_announce(event, uow):
        async with uow:  # shaped like a use case: joins the runner's unit of work and commits it
            await record_applied(event, uow)
            uow.emit(probe.recorded(event.n + 1000, complaint_id=event.complaint_id))
            await uow.commit()

    metrics = Metrics("probe")
    runner = probe_runner(probe, downstream, handler=record_and_announce, metrics=metrics)
    event, ce_id = probe.recorded(7), uuid4()
    async with running(runner.run()), started_producer(broker.bootstrap) as producer:
        await wait_assigned(runner)
        first = await produce_event(producer, event, ce_id=ce_id)
        second = await produce_event(producer, event, ce_id=ce_id)
        await wait_until(lambda: consumed(metrics, "duplicate") == 1, what="the second delivery")

    assert (second.partition, second.offset) == (first.partition, first.offset + 1)  # two messages, one event
    assert consumed(metrics, "applied") == 1
    assert await applied_counts(downstream) == {7: 1}
    assert await inbox_count(downstream) == 1
    assert [probe.event.model_validate_json(row.payload).n for row in await outbox_rows(downstream)] == [1007]


async def test_replicas_share_partitions_and_take_over_from_one_another(broker, downstream):
    probe = await new_probe(broker.bootstrap, partitions=4)
    stuck = asyncio.Event()
    seen_in_second_round = 0

    async def record_then_get_stuck(event, uow):
        # In the second round the leaving replica applies three events, then hangs inside the fourth's
        # transaction: the offsets of that batch are never committed, so the three come again to the other.
        nonlocal seen_in_second_round
        if event.n >= 200:
            seen_in_second_round += 1
            if seen_in_second_round > 3:
                stuck.set()
                await asyncio.Event().wait()
        await record_applied(event, uow)

    metrics = [Metrics("probe"), Metrics("probe")]
    leaving = probe_runner(probe, downstream, handler=record_then_get_stuck, metrics=metrics[0])
    staying = probe_runner(probe, downstream, metrics=metrics[1])
    async with running(staying.run()), started_producer(broker.bootstrap) as producer:
        leaving_task = asyncio.create_task(leaving.run())
        try:
            await wait_assigned(leaving)
            await wait_assigned(leaving, staying)  # the group rebalanced: both hold partitions
            landed = await produce_events(producer, [probe.recorded(n) for n in range(200)])
            assert {m.partition for m in landed} == set(range(4))
            await wait_until(lambda: _all_applied(downstream, 200), what="the first 200 events being applied")
            assert consumed(metrics[0], "applied") > 0
            assert consumed(metrics[1], "applied") > 0

            await produce_events(producer, [probe.recorded(n) for n in range(200, 400)])
            await asyncio.wait_for(stuck.wait(), timeout=10)
            await cancel(leaving_task)
            await wait_until(lambda: _all_applied(downstream, 400), what="the remaining replica taking over")
        finally:
            await cancel(leaving_task)

    assert consumed(metrics[1], "duplicate") >= 3  # what the leaver had applied, redelivered, changed nothing
    assert await applied_counts(downstream) == {n: 1 for n in range(400)}
    assert await inbox_count(downstream) == 400


async def _all_applied(database, count: int) -> bool:
    return len(await applied_counts(database)) >= count


async def test_a_replica_whose_partition_moves_mid_batch_keeps_its_connection(broker, downstream, caplog):
    probe = await new_probe(broker.bootstrap, partitions=2)
    # The group's round-robin assignor orders members by id, which starts with the client id: once the
    # newcomer joins, it gets partition 0, the one the first replica is busy with.
    newcomer = probe_runner(probe, downstream, kafka_client_id=unique("a-newcomer-"))

    async def record_once_the_newcomer_joined(event, uow):
        await wait_assigned(newcomer)
        await record_applied(event, uow)

    first = probe_runner(probe, downstream, handler=record_once_the_newcomer_joined,
                         kafka_client_id=unique("z-first-"))

    async with running(first.run()), started_producer(broker.bootstrap) as producer:
        await wait_assigned(first)
        for n in range(5):
            await produce_event(producer, probe.recorded(n), partition=0)
        async with running(newcomer.run()):
            await wait_until(lambda: _all_applied(downstream, 5), what="the events being applied")
            await wait_until(lambda: "offset commit failed after a rebalance" in caplog.text, within=10,
                             what="the first replica noticing the partition moved")

    assert "lost the broker" not in caplog.text  # it went on with the partition it kept, no reconnecting
    assert await applied_counts(downstream) == {n: 1 for n in range(5)}
