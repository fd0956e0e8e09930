"""The routing service on the real database and broker, reached through HTTP, fed by events on the broker."""

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from services.catalog import SERVICES
from services.routing.app import create_app
from services.routing.settings import RoutingSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY, Event
from shared.contracts.base import DEFAULT_TENANT
from shared.messaging.cloudevents import decode
from shared.migrations import upgrade
from tests.support import group_at_end as at_end
from tests.support import header_value, produce_event, reading, started_producer, wait_until

TOPIC = "redress.complaint.v1"


async def group_at_end(bootstrap: str) -> str:
    """A consumer group at the end of the complaint topic: routing reads only the complaints its test sends."""
    return await at_end(bootstrap, [TOPIC], prefix="routing-test-")


@dataclass
class Routing:
    app: FastAPI
    client: httpx.AsyncClient
    settings: RoutingSettings
    bootstrap: str

    def client_with(self, key: str) -> httpx.AsyncClient:
        """Another client of the same app, sending `key` (open it with `async with`)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://routing",
                                 headers={API_KEY_HEADER: key})

    async def grant(self, *roles: Role, name: str, queues: tuple[str, ...] = (), tenant: str = DEFAULT_TENANT) -> str:
        """A key of this service's database with `roles` (and `queues`, of `tenant`), named as the caller it stands
        for."""
        return await grant([self.settings.resolved_database_url], *roles, name=name, queues=queues, tenant=tenant)

    async def receive(self, event: Event) -> None:
        async with started_producer(self.bootstrap) as producer:
            await produce_event(producer, event)

    async def case(self, complaint_id: UUID) -> dict[str, Any]:
        response = await self.client.get(f"/v1/cases/{complaint_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def case_when(self, complaint_id: UUID, predicate: Any, *, what: str) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            response = await self.client.get(f"/v1/cases/{complaint_id}")
            if response.status_code == 200 and predicate(response.json()):
                return response.json()
            return None

        return await wait_until(check, what=what, within=30)


def routing_settings(database_url: str, bootstrap: str, *, group: str, **overrides: Any) -> RoutingSettings:
    return RoutingSettings(**{
        "database_url": database_url, "kafka_bootstrap": bootstrap, "kafka_session_timeout_ms": 2000,
        "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05, "relay_lease_s": 2, "consumer_group": group,
        **overrides})


@contextlib.asynccontextmanager
async def running_routing(settings: RoutingSettings, *, migrate: bool = True) -> AsyncIterator[Routing]:
    if migrate:
        await upgrade(SERVICES["routing"].migrations_dir, settings.database_url or "")
    key = await grant([settings.resolved_database_url], Role.ADMIN, name="tests")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://routing",
                                                                   headers={API_KEY_HEADER: key}) as client:
        yield Routing(app=app, client=client, settings=settings, bootstrap=settings.kafka_bootstrap)


@pytest.fixture
async def routing(database_url: str, broker) -> AsyncIterator[Routing]:
    settings = routing_settings(database_url, broker.bootstrap, group=await group_at_end(broker.bootstrap))
    async with running_routing(settings) as service:
        yield service


@pytest.fixture
async def bare_routing(database_url: str, broker) -> AsyncIterator[Routing]:
    """Routing without the demo organisation: the test builds the teams and agents it needs."""
    settings = routing_settings(database_url, broker.bootstrap, group=await group_at_end(broker.bootstrap),
                                demo_org=False)
    async with running_routing(settings) as service:
        yield service


async def events_of(bootstrap: str, complaint_id: UUID, *, count: int, source: str = "routing",
                    within: float = 30.0) -> list[Event]:
    """The first `count` events routing emitted about one complaint on the complaint topic, in order."""
    found: list[Event] = []
    deadline = time.monotonic() + within
    async with reading(bootstrap, TOPIC) as consumer:
        while len(found) < count and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=100)).values():
                found += [decode(m.value, m.headers, REGISTRY).event for m in batch
                          if m.key == str(complaint_id).encode() and header_value(m, "ce_source") == source]
    assert len(found) >= count, f"{len(found)} of {count} events of {complaint_id} arrived: {names(found)}"
    return found


def names(events: list[Event]) -> list[str]:
    return [type(e).__name__.removeprefix("Complaint").removesuffix("V1") for e in events]
