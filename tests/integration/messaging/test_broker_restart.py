"""A broker that loses everything (Tansu keeps no data) costs no event: the relay and the consumer reconnect
by themselves, `redress outbox republish` sends the lost events again and the inbox absorbs the repeats."""

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from shared.messaging.outbox import OutboxRelay, backlog
from shared.metrics import Metrics
from tests.support import (
    all_messages,
    applied_counts,
    consumed,
    emit,
    header_value,
    inbox_count,
    new_probe,
    outbox_rows,
    probe_runner,
    produce_event,
    record_applied,
    redress,
    running,
    started_producer,
    wait_assigned,
    wait_until,
)

K = 20


@pytest.mark.slow
async def test_after_a_broker_restart_republished_events_are_applied_once(restartable_broker, upstream, downstream):
    started = datetime.now(UTC)
    probe = await new_probe(restartable_broker.bootstrap)
    metrics = Metrics("probe")
    runner = probe_runner(probe, downstream, metrics=metrics)
    async with running(OutboxRelay(upstream, probe.settings).run()), running(runner.run()):
        await wait_assigned(runner)
        for n in range(K):
            await emit(upstream, probe.recorded(n))
        await wait_until(lambda: _applied(downstream, K), what="the first events being applied")

        restartable_broker.kill()
        restartable_broker.start()  # empty: no topics, no groups, no committed offsets
        for n in range(K, 2 * K):
            await emit(upstream, probe.recorded(n))
        await wait_until(lambda: _applied(downstream, 2 * K), what="relay and consumer reconnecting")
        assert await backlog(upstream) == 0

        republished = await redress("outbox", "republish", "--since", started.isoformat(), "--service", "intake",
                                    env={"REDRESS_INTAKE_DATABASE_URL": upstream.url})
        assert f"intake: {2 * K} event(s) queued for publishing again" in republished
        await wait_until(lambda: consumed(metrics, "duplicate") >= 2 * K, what="the republished events arriving")

    sent_again = {header_value(m, "ce_id") for m in await all_messages(restartable_broker.bootstrap, probe.topic)}

    assert await applied_counts(downstream) == {n: 1 for n in range(2 * K)}
    assert await inbox_count(downstream) == 2 * K
    assert consumed(metrics, "applied") == 2 * K
    assert sent_again == {str(row.ce_id) for row in await outbox_rows(upstream)}  # the first K too


@pytest.mark.slow
async def test_a_runner_whose_topic_the_broker_forgot_starts_over(restartable_broker, downstream):
    probe = await new_probe(restartable_broker.bootstrap)
    bootstrap = restartable_broker.bootstrap

    async def record_then_lose_the_topic(event, uow):
        await record_applied(event, uow)
        if event.n == 0:
            await delete_topic(bootstrap, probe.topic)  # before the runner commits the offset

    runner = probe_runner(probe, downstream, handler=record_then_lose_the_topic)
    async with running(runner.run()):
        await wait_assigned(runner)
        async with started_producer(bootstrap) as producer:
            await produce_event(producer, probe.recorded(0))
        await wait_until(lambda: _applied(downstream, 1), what="the first event being applied")
        await wait_until(lambda: topic_partitions(bootstrap, probe.topic), what="the runner creating the topic again")
        await wait_assigned(runner)

        async with started_producer(bootstrap) as producer:
            await produce_event(producer, probe.recorded(1))
        await wait_until(lambda: _applied(downstream, 2), what="the runner consuming again")

    assert await applied_counts(downstream) == {0: 1, 1: 1}
    assert await topic_partitions(bootstrap, probe.topic) == set(range(probe.settings.topic_partitions))


async def _applied(database, count: int) -> bool:
    return len(await applied_counts(database)) >= count


async def delete_topic(bootstrap: str, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([topic])
    finally:
        await admin.close()


async def topic_partitions(bootstrap: str, topic: str) -> set[int]:
    """The partitions the broker says `topic` has; empty if it has no such topic. Lists all topics: asking for
    this one by name would make Tansu create it."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        await consumer.topics()
        return set(consumer.partitions_for_topic(topic) or ())
    finally:
        await consumer.stop()
