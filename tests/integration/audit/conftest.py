"""Escalation and routing (whose staff edit policies, calendars, teams and agents) on the real database and
broker, and a migrated escalation database without a running service for the tests that write the log directly."""

from collections.abc import AsyncIterator

import pytest

from services.catalog import SERVICES
from shared.contracts import REGISTRY
from shared.migrations import upgrade
from tests.integration.escalation.conftest import Escalation, escalation_settings, running_escalation
from tests.integration.routing.conftest import Routing, routing_settings, running_routing
from tests.integration.routing.conftest import group_at_end as routing_group_at_end
from tests.support import group_at_end


@pytest.fixture
async def escalation(database_url: str, broker) -> AsyncIterator[Escalation]:
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="escalation-")
    async with running_escalation(escalation_settings(database_url, broker.bootstrap, consumer_group=group)) as service:
        yield service


@pytest.fixture
async def bare_routing(database_url: str, broker) -> AsyncIterator[Routing]:
    settings = routing_settings(database_url, broker.bootstrap, group=await routing_group_at_end(broker.bootstrap),
                                demo_org=False)
    async with running_routing(settings) as service:
        yield service


@pytest.fixture
async def escalation_database(database_url: str) -> str:
    await upgrade(SERVICES["escalation"].migrations_dir, database_url)
    return database_url
