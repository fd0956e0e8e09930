"""Dead letters: how a failed event is parked on `<topic>.dlq`, listed, and replayed onto its topic.

Replay keeps the event's ce_id, so consumers that did handle it see a duplicate and change nothing.
Which letters were replayed is remembered as the offsets of the `redress-dlq-replay` group."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata

from shared.messaging.cloudevents import Headers, header_map

REPLAY_GROUP = "redress-dlq-replay"
DLQ_HEADER_PREFIX = "dlq_"
MAX_MESSAGE_CHARS = 2000


async def dead_letter(producer: AIOKafkaProducer, message: ConsumerRecord, error: BaseException, *,
                      consumer_group: str, attempts: int) -> None:
    """Park a message on its topic's DLQ, with headers that say what went wrong and where it came from."""
    original = [(k, v) for k, v in (message.headers or ()) if not k.startswith(DLQ_HEADER_PREFIX)]
    facts = {
        "error_type": type(error).__name__,
        "error_message": str(error)[:MAX_MESSAGE_CHARS],
        "original_topic": message.topic,
        "original_partition": str(message.partition),
        "original_offset": str(message.offset),
        "consumer_group": consumer_group,
        "attempts": str(attempts),
        "failed_at": datetime.now(UTC).isoformat(),
    }
    headers = original + [(DLQ_HEADER_PREFIX + name, value.encode()) for name, value in facts.items()]
    await producer.send_and_wait(f"{message.topic}.dlq", message.value, key=message.key, headers=headers)


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    @property
    def facts(self) -> dict[str, str]:
        return header_map(self.headers)

    @property
    def original_headers(self) -> Headers:
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]

    @property
    def original_topic(self) -> str:
        return self.facts.get("dlq_original_topic") or self.topic.removesuffix(".dlq")


def _replay_consumer(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=REPLAY_GROUP, enable_auto_commit=False,
                            auto_offset_reset="earliest", client_id="redress-dlq")


async def _pending_partitions(consumer: AIOKafkaConsumer, topics: Iterable[str], *, include_replayed: bool
                              ) -> dict[TopicPartition, int]:
    """Assign every partition of the DLQ topics and seek to the first letter to read; returns the end offsets."""
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
    consumer.assign(partitions)
    ends = await consumer.end_offsets(partitions) if partitions else {}
    for tp in partitions:
        committed = None if include_replayed else await consumer.committed(tp)
        if committed is None:
            await consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, committed)
    return {tp: end for tp, end in ends.items() if end > await consumer.position(tp)}


async def read_dead_letters(consumer: AIOKafkaConsumer, topics: Iterable[str], *, include_replayed: bool = False,
                            timeout_s: float = 30.0) -> list[DeadLetter]:
    await consumer.topics()  # loads the metadata that partitions_for_topic reads
    ends = await _pending_partitions(consumer, topics, include_replayed=include_replayed)
    letters: list[DeadLetter] = []
    deadline = time.monotonic() + timeout_s
    while ends:
        if time.monotonic() > deadline:
            raise TimeoutError(f"could not read all dead letters in {timeout_s:.0f} s")
        batches = await consumer.getmany(*ends, timeout_ms=500)
        for messages in batches.values():
            letters += [DeadLetter(m.topic, m.partition, m.offset, m.key, m.value, list(m.headers or ()))
                        for m in messages]
        # Some brokers (Tansu) report an end offset short of a batch's last record, so a partition is done
        # only when it is past its end offset and a fetch brings nothing more.
        if not batches:
            ends = {tp: end for tp, end in ends.items() if await consumer.position(tp) < end}
    return sorted(letters, key=lambda d: (d.topic, d.partition, d.offset))


async def list_dead_letters(bootstrap: str, topics: Iterable[str], *, include_replayed: bool = False
                            ) -> list[DeadLetter]:
    consumer = _replay_consumer(bootstrap)
    await consumer.start()
    try:
        return await read_dead_letters(consumer, topics, include_replayed=include_replayed)
    finally:
        await consumer.stop()


async def replay_dead_letters(bootstrap: str, topics: Iterable[str], producer: AIOKafkaProducer
                              ) -> list[DeadLetter]:
    """Send every letter not replayed before back to its original topic, then remember them as replayed."""
    consumer = _replay_consumer(bootstrap)
    await consumer.start()
    try:
        letters = await read_dead_letters(consumer, topics)
        for letter in letters:
            await producer.send_and_wait(letter.original_topic, letter.value, key=letter.key,
                                         headers=letter.original_headers)
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        for letter in letters:
            done[TopicPartition(letter.topic, letter.partition)] = OffsetAndMetadata(letter.offset + 1, "")
        if done:
            await consumer.commit(done)
        return letters
    finally:
        await consumer.stop()
