"""Two delivery jobs (replicas) claiming at once never take one notification twice."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from services.intake.notifications import service
from services.intake.pii_keys import pii_cipher
from services.intake.uow import IntakeUow
from shared.db import Database
from tests.integration.intake.builders import a_submission
from tests.integration.intake.conftest import running_intake


@pytest.fixture
async def database_and_keys(database_url, broker):
    # Filed through the API, so the rows are what the service writes; then the jobs are ours to drive.
    async with running_intake(database_url, broker.bootstrap, run_background=False) as intake:
        for n in range(12):
            body = a_submission(subject=f"Parcel {n} lost", callback_url="https://app.example.com/hook")
            assert (await intake.client.post("/v1/complaints", json=body)).status_code == 201
    db = Database(database_url)
    try:
        yield db, pii_cipher(intake.settings)
    finally:
        await db.dispose()


async def test_concurrent_claims_split_the_due_notifications(database_and_keys):
    database, cipher = database_and_keys

    def uow() -> IntakeUow:
        return IntakeUow(database, source="intake", cipher=cipher)
    lease = timedelta(minutes=5)
    rounds = await asyncio.gather(*(service.claim_due(uow(), limit=7, lease=lease) for _ in range(4)))
    ids = [item.id for claimed in rounds for item in claimed]
    assert len(ids) == 24 and len(set(ids)) == 24
    assert await service.claim_due(uow(), limit=50, lease=lease) == []
    due = await service.next_due(uow())
    assert due is not None and due > datetime.now(UTC) + lease - timedelta(minutes=1)
