"""The thin wrapper over aiokafka: clients built from settings the same way everywhere, and topic creation."""

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.contracts import REGISTRY, EventRegistry, dlq_topic
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36


def new_producer(bootstrap: str, *, client_id: str = "redress") -> AIOKafkaProducer:
    # acks=all without idempotence: Tansu rejects the idempotent producer, and the inbox absorbs duplicates.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        max_batch_size=256 * 1024,
        request_timeout_ms=15_000,
    )


def new_consumer(settings: ServiceSettings, *topics: str, group_id: str | None) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=settings.resolved_client_id,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        max_poll_records=500,
    )


def topics_with_dead_letters(registry: EventRegistry = REGISTRY) -> list[str]:
    return [name for topic in registry.topics for name in (topic, dlq_topic(topic))]


async def ensure_topics(bootstrap: str, topics: Iterable[str], *, partitions: int, replication: int) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="redress-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if not missing:
            return []
        response = await admin.create_topics([NewTopic(t, partitions, replication) for t in missing])
        for topic, code, message in _topic_errors(response):
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise RuntimeError(f"could not create topic {topic}: error {code} {message or ''}".strip())
        log.info("created topics", extra={"topics": missing, "partitions": partitions})
        return missing
    finally:
        await admin.close()


def _topic_errors(response: object) -> list[tuple[str, int, str | None]]:
    return [(error[0], error[1], error[2] if len(error) > 2 else None) for error in response.topic_errors]
