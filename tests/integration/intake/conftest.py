"""The intake service on the real database and broker, reached through HTTP."""

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.catalog import SERVICES
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY
from shared.migrations import upgrade
from tests.support import group_at_end


@dataclass
class Intake:
    app: FastAPI
    client: httpx.AsyncClient
    settings: IntakeSettings

    def anonymous(self) -> httpx.AsyncClient:
        """A client of the same app that sends no credentials, as a customer's browser."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://intake")


def intake_settings(database_url: str, bootstrap: str, **overrides: object) -> IntakeSettings:
    return IntakeSettings(**{"database_url": database_url, "kafka_bootstrap": bootstrap,
                             "kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300,
                             "outbox_poll_s": 0.05, "relay_lease_s": 2, "notification_poll_s": 0.2,
                             "consumer_backoff_s": 0.05, "consumer_backoff_max_s": 0.2, **overrides})


@contextlib.asynccontextmanager
async def running_intake(database_url: str, bootstrap: str, **overrides: Any) -> AsyncIterator[Intake]:
    if "consumer_group" not in overrides:  # read only what the test causes, not what earlier tests left
        overrides["consumer_group"] = await group_at_end(bootstrap, REGISTRY.topics, prefix="intake-")
    settings = intake_settings(database_url, bootstrap, **overrides)
    await upgrade(SERVICES["intake"].migrations_dir, database_url)
    key = await grant([database_url], Role.ADMIN, name="tests")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://intake", headers={API_KEY_HEADER: key}) as client:
        yield Intake(app=app, client=client, settings=settings)


@pytest.fixture
async def intake(database_url: str, broker) -> AsyncIterator[Intake]:
    async with running_intake(database_url, broker.bootstrap) as running:
        yield running


@pytest.fixture
def start_intake(database_url: str, broker) -> Callable[..., contextlib.AbstractAsyncContextManager[Intake]]:
    """Intake with settings of the test's choosing: `async with start_intake(smtp_host=…) as intake:`."""
    return lambda **overrides: running_intake(database_url, broker.bootstrap, **overrides)
