"""The thin wrapper over aiokafka: clients built from settings the same way everywhere, and topic creation."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError

from shared.broker import BrokerUnavailable, wait_for_kafka
from shared.contracts import REGISTRY, EventRegistry, dlq_topic
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36
FIRST_RETRY_S = 0.5
LONGEST_RETRY_S = 10.0
# An attempt that ran this long was connected: the next failure is a new outage, retried soon again.
HEALTHY_RUN_S = 60.0
BROKER_PROBE_S = 5.0


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


async def keep_running(attempt: Callable[[], Awaitable[None]], *, what: str, bootstrap: str,
                       healthy_run_s: float = HEALTHY_RUN_S) -> None:
    """Run `attempt` (which works until it fails) again and again: the waits between tries grow while the
    broker stays away and start small again after an attempt that ran a while."""
    delay = FIRST_RETRY_S
    while True:
        started = time.monotonic()
        try:
            # Waiting here first keeps aiokafka from logging an error for every refused connection.
            await wait_for_kafka(bootstrap, timeout=BROKER_PROBE_S)
            await attempt()
        except asyncio.CancelledError:
            raise
        except (BrokerUnavailable, KafkaConnectionError):
            log.warning("%s: no Kafka broker answers at %s (start one with `redress broker`, or set "
                        "REDRESS_KAFKA_BOOTSTRAP); retrying in %.1f s", what, bootstrap, delay)
        except Exception as exc:
            log.warning("%s stopped (%s: %s); retrying in %.1f s", what, type(exc).__name__, exc, delay)
        if time.monotonic() - started > healthy_run_s:
            delay = FIRST_RETRY_S
        await asyncio.sleep(delay)
        delay = min(delay * 2, LONGEST_RETRY_S)
