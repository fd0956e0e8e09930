"""The escalation service on the real database and broker, reached through HTTP; routing's events produced onto
the broker; and a log of what escalation publishes, read back from the broker."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.catalog import SERVICES
from services.escalation.app import create_app
from services.escalation.settings import EscalationSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY
from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.sla import TOPIC as SLA_TOPIC
from shared.db import Database
from shared.messaging.tables import outbox
from shared.migrations import upgrade
from tests.support import EventLog, following, group_at_end, unique


def escalation_settings(database_url: str, bootstrap: str, **overrides: Any) -> EscalationSettings:
    options: dict[str, Any] = dict(
        database_url=database_url, kafka_bootstrap=bootstrap, kafka_session_timeout_ms=2000,
        kafka_heartbeat_interval_ms=300, outbox_poll_s=0.05, relay_lease_s=2, sla_timer_max_sleep_s=0.5,
        consumer_group=unique("escalation-"), consumer_backoff_s=0.05, consumer_backoff_max_s=0.2)
    return EscalationSettings(**{**options, **overrides})


@pytest.fixture
async def event_log(broker) -> AsyncIterator[EventLog]:
    async with following(broker.bootstrap, [COMPLAINT_TOPIC, SLA_TOPIC], within=20) as log:
        yield log


@dataclass
class Escalation:
    app: FastAPI
    client: httpx.AsyncClient
    settings: EscalationSettings
    database: Database

    def client_with(self, key: str) -> httpx.AsyncClient:
        """Another client of the same app, sending `key` (open it with `async with`)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://escalation",
                                 headers={API_KEY_HEADER: key})

    async def grant(self, *roles: Role, name: str, tenant: str = "default") -> str:
        """A key of this service's database with `roles`, named as the caller it stands for."""
        return await grant([self.settings.resolved_database_url], *roles, name=name, tenant=tenant)

    async def outbox_count(self, ce_type: str, complaint_id: UUID) -> int:
        async with self.database.reading() as connection:
            query = select(func.count()).select_from(outbox).where(outbox.c.ce_type == ce_type,
                                                                   outbox.c.key == str(complaint_id))
            return int(await connection.scalar(query) or 0)

    async def sla(self, complaint_id: UUID) -> dict[str, Any]:
        response = await self.client.get(f"/v1/complaints/{complaint_id}/sla")
        return response.json() if response.status_code == 200 else {}

    async def clock(self, complaint_id: UUID, target: str) -> dict[str, Any]:
        clocks = [c for c in (await self.sla(complaint_id)).get("clocks", []) if c["target"] == target]
        return clocks[-1] if clocks else {}


@contextlib.asynccontextmanager
async def running_escalation(settings: EscalationSettings, *, migrate: bool = True) -> AsyncIterator[Escalation]:
    if migrate:
        await upgrade(SERVICES["escalation"].migrations_dir, settings.resolved_database_url)
    key = await grant([settings.resolved_database_url], Role.ADMIN, name="tests")
    app = create_app(settings)
    database = Database(settings.resolved_database_url)
    transport = httpx.ASGITransport(app=app)
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=transport, base_url="http://escalation", headers={API_KEY_HEADER: key}) as client:
            yield Escalation(app=app, client=client, settings=settings, database=database)
    finally:
        await database.dispose()


@pytest.fixture
async def escalation(database_url: str, broker) -> AsyncIterator[Escalation]:
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="escalation-")  # only this test's events
    async with running_escalation(escalation_settings(database_url, broker.bootstrap, consumer_group=group)) as service:
        yield service
