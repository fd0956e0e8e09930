"""Fan-out inside the consuming transaction, and deliveries shared by several replicas, on the real database."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from services.escalation.webhooks import service
from services.escalation.webhooks.models import WebhookDelivery
from shared.contracts.complaint import ComplaintWithdrawnV1
from shared.db import Database, UnitOfWork
from shared.migrations import upgrade
from tests.integration.escalation.test_webhooks import (  # noqa: F401 (fixtures)
    MIGRATIONS,
    a_breach,
    deliveries,
    migrated_service,
    producer_fixture,
    receiver_fixture,
    subscribe,
)
from tests.support import produce_event, wait_until


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await upgrade(MIGRATIONS, database_url)
    db = Database(database_url)
    yield db
    await db.dispose()


def uow_of(database: Database) -> UnitOfWork:
    return UnitOfWork(database, source="escalation")


async def subscription(database: Database, *filters: str, active: bool = True):
    return await service.create_subscription(uow_of(database), url="https://partner.example/hook",
                                             description="", filters=list(filters), active=active)


async def deliveries_by_subscription(database: Database) -> Counter:
    async with database.engine.connect() as connection:
        rows = await connection.execute(select(WebhookDelivery.subscription_id, func.count())
                                        .group_by(WebhookDelivery.subscription_id))
        return Counter({subscription_id: count for subscription_id, count in rows.all()})


async def fan_out(database: Database, event, *, ce_id: str | None = None, commit: bool = True) -> None:
    async with uow_of(database) as uow:
        await service.fan_out_to_webhooks(event, uow, ce_id=ce_id or str(uuid4()))
        if commit:
            await uow.commit()


async def test_fan_out_records_one_delivery_per_matching_active_subscription_once(database):
    breaches = await subscription(database, "redress.sla.breached.v1")
    complaints = await subscription(database, "redress.complaint.*", "redress.sla.warning.v1")
    await subscription(database, "redress.sla.*", active=False)
    breach, ce_id = a_breach(), str(uuid4())
    await fan_out(database, breach, ce_id=ce_id)
    await fan_out(database, breach, ce_id=ce_id)
    await fan_out(database, ComplaintWithdrawnV1(complaint_id=breach.complaint_id))
    await fan_out(database, a_breach(), commit=False)
    assert await deliveries_by_subscription(database) == Counter({breaches.id: 1, complaints.id: 1})


async def test_concurrent_claims_take_each_due_delivery_once(database):
    await subscription(database, "*")
    for _ in range(12):
        await fan_out(database, a_breach())
    claims = await asyncio.gather(*(service.claim_due(uow_of(database), limit=12, lease_s=60) for _ in range(3)))
    claimed = [c.id for claim in claims for c in claim]
    assert len(claimed) == 12 and len(set(claimed)) == 12
    assert await service.claim_due(uow_of(database), limit=12, lease_s=60) == []


async def test_two_replicas_send_each_delivery_once(database_url, broker, receiver, producer):
    async with migrated_service(database_url, broker.bootstrap, webhook_batch_size=2) as first, \
            migrated_service(database_url, broker.bootstrap, webhook_batch_size=2, run_consumer=False,
                             run_relay=False):
        subscription_ = await subscribe(first.client, receiver)
        breaches = [a_breach() for _ in range(12)]
        for breach in breaches:
            await produce_event(producer, breach)
        ours = {str(b.complaint_id) for b in breaches}

        async def all_succeeded() -> bool:
            found = await deliveries(first.client, subscription_["id"], state="succeeded", limit=200)
            return ours <= {d["complaint_id"] for d in found}

        await wait_until(all_succeeded, what="every delivery to succeed")
    calls = Counter(c.document["subject"] for c in receiver.calls)
    assert {subject: calls[subject] for subject in ours} == dict.fromkeys(ours, 1)
