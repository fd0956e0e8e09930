"""The feedback service on the real database and broker, reached through HTTP, and a log of the events it
publishes, read back from the broker."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.catalog import SERVICES
from services.feedback.app import create_app
from services.feedback.settings import FeedbackSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY
from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.db import Database
from shared.messaging.tables import outbox
from shared.migrations import upgrade
from tests.support import EventLog, following, group_at_end


def feedback_settings(database_url: str, bootstrap: str, **overrides: Any) -> FeedbackSettings:
    options: dict[str, Any] = dict(
        database_url=database_url, kafka_bootstrap=bootstrap, kafka_session_timeout_ms=2000,
        kafka_heartbeat_interval_ms=300, relay_lease_s=2, survey_delay_s=0.0,
        survey_poll_s=0.05, public_base_url="http://survey.test", survey_secret="integration-test-secret")
    return FeedbackSettings(**{**options, **overrides})


@pytest.fixture
async def event_log(broker) -> AsyncIterator[EventLog]:
    async with following(broker.bootstrap, [COMPLAINT_TOPIC, FEEDBACK_TOPIC], within=60) as log:
        yield log


@dataclass
class Feedback:
    app: FastAPI
    client: httpx.AsyncClient
    settings: FeedbackSettings
    database: Database

    async def count(self, table: Any, *where: Any) -> int:
        async with self.database.reading() as connection:
            return int(await connection.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    async def unsent(self) -> int:
        return await self.count(outbox, outbox.c.sent_at.is_(None))


@contextlib.asynccontextmanager
async def running_feedback(settings: FeedbackSettings) -> AsyncIterator[Feedback]:
    if "consumer_group" not in settings.model_fields_set:  # read only what this test causes
        group = await group_at_end(settings.kafka_bootstrap, REGISTRY.topics, prefix="feedback-")
        settings = settings.model_copy(update={"consumer_group": group})
    await upgrade(SERVICES["feedback"].migrations_dir, settings.resolved_database_url)
    key = await grant([settings.resolved_database_url], Role.ADMIN, name="tests")
    app = create_app(settings)
    database = Database(settings.resolved_database_url)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://feedback", headers={API_KEY_HEADER: key}) as client:
        try:
            yield Feedback(app=app, client=client, settings=settings, database=database)
        finally:
            await database.dispose()


@pytest.fixture
async def feedback(database_url: str, broker) -> AsyncIterator[Feedback]:
    async with running_feedback(feedback_settings(database_url, broker.bootstrap)) as service:
        yield service
