"""The four services in-process, each inside its lifespan on a fresh database of its own and a consumer group of
its own, talking to each other only over the real broker; and a log of every event on the topics they share."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from aiokafka.structs import ConsumerRecord

from shared.contracts import REGISTRY, Event, dlq_topic
from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.contracts.sla import TOPIC as SLA_TOPIC
from shared.messaging.kafka import ensure_topics
from tests.conftest import empty_database
from tests.integration.escalation.conftest import escalation_settings, running_escalation
from tests.integration.feedback.conftest import feedback_settings, running_feedback
from tests.integration.intake.conftest import running_intake
from tests.integration.routing.conftest import routing_settings, running_routing
from tests.support import SENTINEL, all_messages, group_at_end, header_value, reading, wait_until

TOPICS = (COMPLAINT_TOPIC, SLA_TOPIC, FEEDBACK_TOPIC)
# Groups join in about a second, retries take milliseconds, outboxes are polled often.
FAST = {"kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05,
        "relay_lease_s": 2, "consumer_backoff_s": 0.05, "consumer_backoff_max_s": 0.2}
DEADLINE_S = 90.0


@dataclass(frozen=True)
class Logged:
    topic: str
    key: str | None
    ce_type: str
    source: str | None
    message: ConsumerRecord

    def event(self) -> Event:
        return REGISTRY.model_for(self.ce_type).model_validate_json(self.message.value)


@dataclass
class EventLog:
    """Every event on the shared topics in the order each partition holds them; one complaint's events share a
    partition (they are keyed by its id), so its events on a topic are in the order they were published."""

    entries: list[Logged] = field(default_factory=list)

    def of(self, complaint_id: UUID, topic: str) -> list[Logged]:
        return [e for e in self.entries if e.topic == topic and e.key == str(complaint_id)]

    def events(self, complaint_id: UUID, event_class: type[Event]) -> list[Any]:
        return [e.event() for e in self.of(complaint_id, event_class.topic) if e.ce_type == event_class.ce_type]

    async def wait_for(self, complaint_id: UUID, event_class: type[Event], *, count: int = 1,
                       where: Callable[[Any], bool] = lambda e: True) -> list[Any]:
        def found() -> list[Any]:
            matching = [e for e in self.events(complaint_id, event_class) if where(e)]
            return matching if len(matching) >= count else []
        return await wait_until(found, within=DEADLINE_S, what=f"{count} × {event_class.ce_type} for {complaint_id}")


async def _follow(log: EventLog, bootstrap: str, topic: str) -> None:
    async with reading(bootstrap, topic) as consumer:
        while True:
            for batch in (await consumer.getmany(timeout_ms=100)).values():
                for message in batch:
                    ce_type = header_value(message, "ce_type")
                    if header_value(message, SENTINEL) is None and ce_type:
                        key = message.key.decode() if message.key else None
                        log.entries.append(Logged(topic, key, ce_type, header_value(message, "ce_source"), message))


@dataclass
class Platform:
    """The four running services' HTTP clients, the broker they share and the groups they read it with."""

    intake: httpx.AsyncClient
    routing: httpx.AsyncClient
    escalation: httpx.AsyncClient
    feedback: httpx.AsyncClient
    bootstrap: str
    groups: dict[str, str]
    log: EventLog

    async def dead_letters(self, complaint_ids: set[UUID]) -> list[ConsumerRecord]:
        """Letters on the shared topics' DLQs that are about these complaints or were parked by these services."""
        keys = {str(c).encode() for c in complaint_ids}
        ours = set(self.groups.values())
        letters = []
        for topic in map(dlq_topic, TOPICS):
            letters += [m for m in await all_messages(self.bootstrap, topic, within=DEADLINE_S)
                        if m.key in keys or header_value(m, "dlq_consumer_group") in ours]
        return letters


@contextlib.asynccontextmanager
async def _databases(tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    async with contextlib.AsyncExitStack() as stack:
        yield {name: await stack.enter_async_context(empty_database(tmp_path, name))
               for name in ("intake", "routing", "escalation", "feedback")}


@contextlib.asynccontextmanager
async def _following(bootstrap: str) -> AsyncIterator[EventLog]:
    log = EventLog()
    tasks = [asyncio.create_task(_follow(log, bootstrap, topic)) for topic in TOPICS]
    try:
        yield log
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@pytest.fixture
async def platform(tmp_path: Path, broker) -> AsyncIterator[Platform]:
    bootstrap = broker.bootstrap
    await ensure_topics(bootstrap, [*TOPICS, *map(dlq_topic, TOPICS)], partitions=6, replication=1)
    groups = {name: await group_at_end(bootstrap, TOPICS, prefix="e2e-")
              for name in ("intake", "routing", "escalation", "feedback")}
    fast = {**FAST, "data_dir": tmp_path}
    async with _databases(tmp_path) as urls, _following(bootstrap) as log, contextlib.AsyncExitStack() as stack:
        intake = await stack.enter_async_context(running_intake(
            urls["intake"], bootstrap, consumer_group=groups["intake"], **fast))
        routing = await stack.enter_async_context(running_routing(routing_settings(
            urls["routing"], bootstrap, group=groups["routing"], demo_org=True, **fast)))
        escalation = await stack.enter_async_context(running_escalation(escalation_settings(
            urls["escalation"], bootstrap, consumer_group=groups["escalation"], sla_timer_max_sleep_s=0.5, **fast)))
        feedback = await stack.enter_async_context(running_feedback(feedback_settings(
            urls["feedback"], bootstrap, consumer_group=groups["feedback"], survey_delay_s=0.2, survey_poll_s=0.05,
            reports_dir=tmp_path / "reports", **fast)))
        yield Platform(intake=intake.client, routing=routing.client, escalation=escalation.client,
                       feedback=feedback.client, bootstrap=bootstrap, groups=groups, log=log)
