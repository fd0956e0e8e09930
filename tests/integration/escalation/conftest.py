"""The escalation service on the real database and broker, reached through HTTP; routing's events produced onto
the broker; and a log of what escalation publishes, read back from the broker."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.catalog import SERVICES
from services.escalation.app import create_app
from services.escalation.settings import EscalationSettings
from shared.contracts import REGISTRY, Event
from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.sla import TOPIC as SLA_TOPIC
from shared.db import Database
from shared.messaging.kafka import ensure_topics
from shared.messaging.tables import outbox
from shared.migrations import upgrade
from tests.support import SENTINEL, header_value, reading, unique, wait_until


def escalation_settings(database_url: str, bootstrap: str, **overrides: Any) -> EscalationSettings:
    options: dict[str, Any] = dict(
        database_url=database_url, kafka_bootstrap=bootstrap, kafka_session_timeout_ms=2000,
        kafka_heartbeat_interval_ms=300, outbox_poll_s=0.05, relay_lease_s=2, sla_timer_max_sleep_s=0.5,
        consumer_group=unique("escalation-"), consumer_backoff_s=0.05, consumer_backoff_max_s=0.2)
    return EscalationSettings(**{**options, **overrides})


@dataclass
class EventLog:
    """Every event on the complaint and SLA topics, read from the beginning while the test runs."""

    events: list[tuple[str, Event]] = field(default_factory=list)

    def of(self, complaint_id: UUID, event_class: type[Event], where: Callable[[Any], bool] = lambda e: True
           ) -> list[Any]:
        return [e for t, e in self.events if t == event_class.ce_type and e.complaint_id == complaint_id and where(e)]

    async def wait_for(self, complaint_id: UUID, event_class: type[Event], *, count: int = 1,
                       where: Callable[[Any], bool] = lambda e: True, within: float = 20.0) -> list[Any]:
        def found() -> list[Any]:
            matching = self.of(complaint_id, event_class, where)
            return matching if len(matching) >= count else []
        return await wait_until(found, within=within, what=f"{count} × {event_class.ce_type} for {complaint_id}")


async def _follow(log: EventLog, bootstrap: str, topic: str) -> None:
    async with reading(bootstrap, topic) as consumer:
        while True:
            for batch in (await consumer.getmany(timeout_ms=100)).values():
                for message in batch:
                    ce_type = header_value(message, "ce_type")
                    if header_value(message, SENTINEL) is None and ce_type:
                        log.events.append((ce_type, REGISTRY.model_for(ce_type).model_validate_json(message.value)))


@pytest.fixture
async def event_log(broker) -> AsyncIterator[EventLog]:
    log = EventLog()
    await ensure_topics(broker.bootstrap, [COMPLAINT_TOPIC, SLA_TOPIC], partitions=6, replication=1)
    tasks = [asyncio.create_task(_follow(log, broker.bootstrap, t)) for t in (COMPLAINT_TOPIC, SLA_TOPIC)]
    try:
        yield log
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@dataclass
class Escalation:
    app: FastAPI
    client: httpx.AsyncClient
    settings: EscalationSettings
    database: Database

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
    app = create_app(settings)
    database = Database(settings.resolved_database_url)
    transport = httpx.ASGITransport(app=app)
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                       base_url="http://escalation") as client:
            yield Escalation(app=app, client=client, settings=settings, database=database)
    finally:
        await database.dispose()


@pytest.fixture
async def escalation(database_url: str, broker) -> AsyncIterator[Escalation]:
    async with running_escalation(escalation_settings(database_url, broker.bootstrap)) as service:
        yield service
