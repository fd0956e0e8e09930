"""The tests' consumer groups start after everything earlier tests left, also after a batch of several records
(the embedded broker answers ListOffsets short of a batch's last record)."""

from aiokafka import AIOKafkaConsumer

from tests.support import group_at_end, started_producer, unique, wait_until


async def test_a_group_at_end_reads_only_what_comes_after(broker):
    topic = unique("at-end-")
    async with started_producer(broker.bootstrap) as producer:
        await producer.send_and_wait(topic, b"single", partition=0)
        batch = [await producer.send(topic, f"batched {n}".encode(), partition=0) for n in range(5)]
        for sent in batch:
            await sent
        group = await group_at_end(broker.bootstrap, [topic])
        await producer.send_and_wait(topic, b"after", partition=0)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        seen: list[bytes] = []

        async def got_the_last() -> bool:
            for records in (await consumer.getmany(timeout_ms=100)).values():
                seen.extend(record.value for record in records)
            return b"after" in seen

        await wait_until(got_the_last, what="the record sent after the group was made")
        assert seen == [b"after"]
    finally:
        await consumer.stop()
