"""Intake, routing, escalation and feedback in-process, each on a fresh database of its own and a consumer group
of its own at the end of the shared broker's topics, for following a complaint through all four."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from shared.contracts import REGISTRY
from shared.db import Database
from tests.conftest import empty_database
from tests.integration.escalation.conftest import Escalation, escalation_settings, running_escalation
from tests.integration.feedback.conftest import Feedback, feedback_settings, running_feedback
from tests.integration.intake.conftest import Intake, running_intake
from tests.integration.routing.conftest import Routing, routing_settings, running_routing
from tests.support import EventLog, following, group_at_end

FAST = {"kafka_session_timeout_ms": 2000, "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05,
        "relay_lease_s": 2, "consumer_backoff_s": 0.05, "consumer_backoff_max_s": 0.2}


async def rows(database_url: str, sql: str, **params: Any) -> list[Any]:
    """What a query reads from a service's database, as the database holds it."""
    database = Database(database_url)
    try:
        async with database.reading() as connection:
            return list((await connection.execute(text(sql), params)).all())
    finally:
        await database.dispose()


@dataclass
class Services:
    intake: Intake
    routing: Routing
    escalation: Escalation
    feedback: Feedback
    urls: dict[str, str]
    log: EventLog


@contextlib.asynccontextmanager
async def four_services(tmp_path: Path, bootstrap: str) -> AsyncIterator[Services]:
    groups = {name: await group_at_end(bootstrap, REGISTRY.topics, prefix=f"four-{name}-")
              for name in ("intake", "routing", "escalation", "feedback")}
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(empty_database(tmp_path, name)) for name in groups}
        log = await stack.enter_async_context(following(bootstrap, REGISTRY.topics, within=60))
        intake = await stack.enter_async_context(running_intake(
            urls["intake"], bootstrap, consumer_group=groups["intake"], data_dir=tmp_path, **FAST))
        routing = await stack.enter_async_context(running_routing(routing_settings(
            urls["routing"], bootstrap, group=groups["routing"], demo_org=True, data_dir=tmp_path, **FAST)))
        escalation = await stack.enter_async_context(running_escalation(escalation_settings(
            urls["escalation"], bootstrap, consumer_group=groups["escalation"], data_dir=tmp_path, **FAST)))
        feedback = await stack.enter_async_context(running_feedback(feedback_settings(
            urls["feedback"], bootstrap, consumer_group=groups["feedback"], data_dir=tmp_path,
            reports_dir=tmp_path / "reports", **FAST)))
        yield Services(intake=intake, routing=routing, escalation=escalation, feedback=feedback, urls=urls, log=log)
