"""The consumer runner: at-least-once delivery made effectively-once by the inbox, with retries and a DLQ.

For each message: decode it, open a unit of work, claim the inbox row (consumer group, ce_id), run the
handler and commit, all in one transaction, so a redelivered event changes nothing. Offsets are committed
after the handlers' transactions. Poison messages go to `<topic>.dlq` at once; a handler that keeps failing
goes there after `consumer_max_attempts` tries. A database outage is not the event's fault: those errors
are retried until the database is back, and never dead-lettered."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord
from sqlalchemy.exc import InterfaceError, OperationalError

from shared.contracts import REGISTRY, Event, EventRegistry, UnknownEventType, dlq_topic
from shared.db import UnitOfWork
from shared.logs import log_context
from shared.messaging.cloudevents import PoisonMessage, Received, decode
from shared.messaging.dlq import dead_letter
from shared.messaging.kafka import ensure_topics, keep_running, new_consumer, new_producer
from shared.metrics import Metrics
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Handler = Callable[[Any, Any], Awaitable[None]]
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError, ConnectionError, OSError)

# The message whose handler runs now, for the few handlers that need its CloudEvents attributes (the ce_id a
# partner correlates with); handlers keep their (event, uow) signature.
_handling: ContextVar[Received | None] = ContextVar("handling", default=None)


def handled_message() -> Received | None:
    """The message the running handler was called for; None outside a handler."""
    return _handling.get()


def retry_delay(attempt: int, *, first: float, longest: float) -> float:
    """Exponential backoff: first, 2×first, 4×first … capped at `longest`."""
    return min(first * 2 ** (attempt - 1), longest)


class _Assignment(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.assigned = asyncio.Event()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.assigned.clear()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if assigned:
            self.assigned.set()


class ConsumerRunner:
    def __init__(self, settings: ServiceSettings, *, uow_factory: Callable[[], UnitOfWork],
                 handlers: Mapping[type[Event], Handler], registry: EventRegistry = REGISTRY,
                 metrics: Metrics | None = None, group_id: str | None = None) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.handlers = dict(handlers)
        self.registry = registry
        self.metrics = metrics
        self.group_id = group_id or settings.resolved_consumer_group
        self.topics = sorted({event.topic for event in self.handlers})
        self._assignment = _Assignment()
        self._lag: dict[TopicPartition, int] = {}

    @property
    def assigned(self) -> asyncio.Event:
        """Set while the group has given this consumer partitions: tests wait on it instead of sleeping."""
        return self._assignment.assigned

    async def run(self) -> None:
        await keep_running(self._run_connected, what=f"consumer {self.group_id}",
                           bootstrap=self.settings.kafka_bootstrap)

    async def _run_connected(self) -> None:
        producer = new_producer(self.settings.kafka_bootstrap, client_id=f"{self.settings.resolved_client_id}-dlq")
        consumer = new_consumer(self.settings, group_id=self.group_id)
        try:
            await producer.start()
            # Subscribing would make some brokers (Tansu) auto-create missing topics with their own partition count.
            await ensure_topics(self.settings.kafka_bootstrap, [*self.topics, *map(dlq_topic, self.topics)],
                                partitions=self.settings.topic_partitions,
                                replication=self.settings.topic_replication)
            consumer.subscribe(self.topics, listener=self._assignment)
            await consumer.start()
            log.info("consumer %s reading %s", self.group_id, ", ".join(self.topics))
            while True:
                batches = await consumer.getmany(timeout_ms=1000)
                for partition, messages in batches.items():
                    await self._consume_batch(consumer, producer, partition, messages)
        finally:
            self._assignment.assigned.clear()
            await consumer.stop()
            await producer.stop()

    async def _consume_batch(self, consumer: AIOKafkaConsumer, producer: AIOKafkaProducer,
                             partition: TopicPartition, messages: list[ConsumerRecord]) -> None:
        for message in messages:
            await self.process(message, producer)
        try:
            # aiokafka retries some commit errors forever, such as a topic the broker forgot in a restart:
            # give up after a session timeout and let `run` start over with a fresh consumer.
            await asyncio.wait_for(consumer.commit({partition: messages[-1].offset + 1}),
                                   timeout=self.settings.kafka_session_timeout_ms / 1000)
        except (CommitFailedError, IllegalStateError) as exc:
            # The partition moved to another member, which will see these again; the inbox absorbs them.
            log.warning("offset commit failed after a rebalance: %s", exc)
        highwater = consumer.highwater(partition) if partition in consumer.assignment() else None
        if highwater is not None and self.metrics is not None:
            self._lag[partition] = max(highwater - messages[-1].offset - 1, 0)
            self.metrics.consumer_lag.set(sum(self._lag.values()))

    async def process(self, message: ConsumerRecord, producer: AIOKafkaProducer) -> str:
        """Handle one message; returns the outcome: applied, duplicate, ignored or dead_lettered."""
        try:
            received = decode(message.value, message.headers, self.registry)
        except (PoisonMessage, UnknownEventType) as exc:
            return await self._dead_letter(producer, message, exc, attempts=1, ce_type="unknown")
        handler = self.handlers.get(type(received.event))
        if handler is None:
            return self._outcome(received.ce_type, "ignored")
        with log_context(event_id=received.ce_id, complaint_id=received.event.key):
            return await self._apply_with_retries(received, handler, message, producer)

    async def _apply_with_retries(self, received: Received, handler: Handler, message: ConsumerRecord,
                                  producer: AIOKafkaProducer) -> str:
        attempt = 0
        while True:
            try:
                applied = await self._apply(received, handler)
                return self._outcome(received.ce_type, "applied" if applied else "duplicate")
            except asyncio.CancelledError:
                raise
            except INFRASTRUCTURE_ERRORS as exc:
                log.warning("database unavailable while handling %s: %s", received.ce_type, exc)
                await asyncio.sleep(self.settings.consumer_backoff_max_s)
            except Exception as exc:
                attempt += 1
                if attempt >= self.settings.consumer_max_attempts:
                    return await self._dead_letter(producer, message, exc, attempts=attempt,
                                                   ce_type=received.ce_type)
                log.warning("handler for %s failed (try %d): %s", received.ce_type, attempt, exc)
                await asyncio.sleep(retry_delay(attempt, first=self.settings.consumer_backoff_s,
                                                longest=self.settings.consumer_backoff_max_s))

    async def _apply(self, received: Received, handler: Handler) -> bool:
        async with self.uow_factory() as uow:
            if not await uow.claim_inbox(consumer=self.group_id, event_id=received.ce_id):
                return False
            token = _handling.set(received)
            try:
                await handler(received.event, uow)
            finally:
                _handling.reset(token)
            await uow.commit()
        return True

    async def _dead_letter(self, producer: AIOKafkaProducer, message: ConsumerRecord, error: BaseException,
                           *, attempts: int, ce_type: str) -> str:
        await dead_letter(producer, message, error, consumer_group=self.group_id, attempts=attempts)
        log.error("event sent to the dead-letter topic after %d tries: %s: %s",
                  attempts, type(error).__name__, error)
        if self.metrics is not None:
            self.metrics.dead_letters.labels(topic=message.topic, error=type(error).__name__).inc()
        return self._outcome(ce_type, "dead_lettered")

    def _outcome(self, ce_type: str, outcome: str) -> str:
        if self.metrics is not None:
            self.metrics.events_in.labels(type=ce_type, outcome=outcome).inc()
        return outcome
