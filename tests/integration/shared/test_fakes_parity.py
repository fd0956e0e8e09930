"""The fake unit of work and the real one go through the same scenarios with the same results."""

import json
from uuid import uuid4

import pytest
from sqlalchemy import select

from shared.contracts.complaint import ComplaintWithdrawnV1
from shared.db import Database, UnitOfWork
from shared.messaging.tables import inbox, messaging_metadata, outbox
from tests.fakes import FakeUnitOfWork


class Real:
    """The real unit of work, with what it wrote read back in the fake's terms."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.uow = UnitOfWork(database, source="test")

    async def emitted(self) -> list[str]:
        async with self.database.engine.connect() as connection:
            rows = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.id))).scalars()
            return [json.loads(payload)["reason"] for payload in rows]

    async def claims(self) -> int:
        async with self.database.engine.connect() as connection:
            return len((await connection.execute(select(inbox))).all())


class Fake:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()

    async def emitted(self) -> list[str]:
        return [event.reason for event in self.uow.emitted]

    async def claims(self) -> int:
        return len(self.uow.inbox)


@pytest.fixture(params=["fake", "real"])
async def subject(request, database_url):
    if request.param == "fake":
        yield Fake()
        return
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all)
    try:
        yield Real(database)
    finally:
        await database.dispose()


def withdrawn(reason: str) -> ComplaintWithdrawnV1:
    return ComplaintWithdrawnV1(complaint_id=uuid4(), reason=reason)


async def test_events_count_only_when_committed(subject):
    uow = subject.uow
    async with uow:
        uow.emit(withdrawn("kept"))
        await uow.commit()
    async with uow:
        uow.emit(withdrawn("dropped"))
    with pytest.raises(RuntimeError):
        async with uow:
            uow.emit(withdrawn("failed"))
            raise RuntimeError("use case failed")
    assert await subject.emitted() == ["kept"]


async def test_a_nested_unit_of_work_joins_the_outer_transaction(subject):
    uow = subject.uow
    async with uow:
        assert await uow.claim_inbox(consumer="g", event_id="e-1")
        async with uow:
            uow.emit(withdrawn("inner"))
        await uow.commit()
    assert await subject.emitted() == ["inner"]
    assert await subject.claims() == 1


async def test_an_event_is_claimed_once_per_consumer(subject):
    uow = subject.uow
    async with uow:
        assert await uow.claim_inbox(consumer="g", event_id="e-1")
        assert await uow.claim_inbox(consumer="other", event_id="e-1")
        await uow.commit()
    async with uow:
        assert not await uow.claim_inbox(consumer="g", event_id="e-1")
    async with uow:
        assert await uow.claim_inbox(consumer="g", event_id="e-2")
    async with uow:
        assert await uow.claim_inbox(consumer="g", event_id="e-2"), "an uncommitted claim is rolled back"
    assert await subject.claims() == 2
