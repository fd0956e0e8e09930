"""The four services in-process, each inside its lifespan on a fresh database of its own and a consumer group of
its own, talking to each other only over the real broker; and a log of every event on the topics they share.
The staff's clients carry one admin API key, stored in the four databases; the customer's carry none."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from aiokafka.structs import ConsumerRecord

from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import dlq_topic
from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.contracts.sla import TOPIC as SLA_TOPIC
from shared.messaging.kafka import ensure_topics
from tests.conftest import empty_database
from tests.integration.escalation.conftest import escalation_settings, running_escalation
from tests.integration.feedback.conftest import feedback_settings, running_feedback
from tests.integration.intake.conftest import running_intake
from tests.integration.routing.conftest import routing_settings, running_routing
from tests.support import EventLog, all_messages, following, group_at_end, header_value

TOPICS = (COMPLAINT_TOPIC, SLA_TOPIC, FEEDBACK_TOPIC)
# Groups join in about a second, retries take milliseconds, outboxes are polled often.
FAST = {"kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05,
        "relay_lease_s": 2, "consumer_backoff_s": 0.05, "consumer_backoff_max_s": 0.2}
DEADLINE_S = 90.0


@dataclass
class Platform:
    """The four running services' HTTP clients, the broker they share and the groups they read it with. The
    clients named after the services send an admin key; the customer's (tracking, survey) send no credentials."""

    intake: httpx.AsyncClient
    routing: httpx.AsyncClient
    escalation: httpx.AsyncClient
    feedback: httpx.AsyncClient
    customer_intake: httpx.AsyncClient
    customer_feedback: httpx.AsyncClient
    bootstrap: str
    groups: dict[str, str]
    log: EventLog
    api_key: str

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


@pytest.fixture
async def platform(tmp_path: Path, broker) -> AsyncIterator[Platform]:
    bootstrap = broker.bootstrap
    await ensure_topics(bootstrap, [*TOPICS, *map(dlq_topic, TOPICS)], partitions=6, replication=1)
    groups = {name: await group_at_end(bootstrap, TOPICS, prefix="e2e-")
              for name in ("intake", "routing", "escalation", "feedback")}
    fast = {**FAST, "data_dir": tmp_path}
    async with _databases(tmp_path) as urls, following(bootstrap, TOPICS, within=DEADLINE_S) as log, \
            contextlib.AsyncExitStack() as stack:
        intake = await stack.enter_async_context(running_intake(
            urls["intake"], bootstrap, consumer_group=groups["intake"], **fast))
        routing = await stack.enter_async_context(running_routing(routing_settings(
            urls["routing"], bootstrap, group=groups["routing"], demo_org=True, **fast)))
        escalation = await stack.enter_async_context(running_escalation(escalation_settings(
            urls["escalation"], bootstrap, consumer_group=groups["escalation"], sla_timer_max_sleep_s=0.5, **fast)))
        feedback = await stack.enter_async_context(running_feedback(feedback_settings(
            urls["feedback"], bootstrap, consumer_group=groups["feedback"], survey_delay_s=0.2, survey_poll_s=0.05,
            reports_dir=tmp_path / "reports", **fast)))
        key = await grant(urls.values(), Role.ADMIN, name="e2e")  # the services have migrated their databases
        clients = (intake.client, routing.client, escalation.client, feedback.client)
        for client in clients:
            client.headers[API_KEY_HEADER] = key
        customer_intake = await stack.enter_async_context(anonymous(intake.app, "http://intake"))
        customer_feedback = await stack.enter_async_context(anonymous(feedback.app, "http://feedback"))
        yield Platform(*clients, customer_intake, customer_feedback, bootstrap=bootstrap, groups=groups, log=log,
                       api_key=key)


def anonymous(app: Any, base_url: str) -> httpx.AsyncClient:
    """A client of an app already running, without credentials: what a customer's browser sends."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)
