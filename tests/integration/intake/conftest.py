"""The intake service on the real database and broker, reached through HTTP."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from services.catalog import SERVICES
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.migrations import upgrade


@dataclass
class Intake:
    app: FastAPI
    client: httpx.AsyncClient
    settings: IntakeSettings


def intake_settings(database_url: str, bootstrap: str, **overrides: object) -> IntakeSettings:
    return IntakeSettings(database_url=database_url, kafka_bootstrap=bootstrap, kafka_session_timeout_ms=2000,
                          kafka_heartbeat_interval_ms=300, outbox_poll_s=0.05, relay_lease_s=2, **overrides)


@pytest.fixture
async def intake(database_url: str, broker) -> AsyncIterator[Intake]:
    settings = intake_settings(database_url, broker.bootstrap)
    await upgrade(SERVICES["intake"].migrations_dir, database_url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                   base_url="http://intake") as client:
        yield Intake(app=app, client=client, settings=settings)
