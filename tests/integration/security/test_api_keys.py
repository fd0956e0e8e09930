"""API keys through a running service and its database: a revoked or expired key stops working, and a rotated
key keeps working for its grace period while its successor works at once."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.fernet import Fernet

from services.catalog import SERVICES
from shared.auth.deps import API_KEY_HEADER
from shared.auth.keys import ApiKey, find_key, issue_key, retire_key, revoke_key, split_key, successor
from shared.auth.provision import grant, store_at
from shared.auth.roles import Role
from shared.db import Database
from shared.migrations import upgrade

SUPERVISOR = frozenset({Role.SUPERVISOR})


@dataclass
class Service:
    client: httpx.AsyncClient
    database: Database

    async def status_with(self, key: str) -> tuple[int, str]:
        response = await self.client.get("/v1/audit", headers={API_KEY_HEADER: key})
        return response.status_code, response.json().get("detail", "")

    async def stored(self, key: str) -> ApiKey:
        async with self.database.reading() as connection:
            found = await find_key(connection, split_key(key)[0])
        assert found is not None
        return found.key


@pytest.fixture
async def intake(database_url: str) -> AsyncIterator[Service]:
    """Intake without relay, consumer or periodic jobs (no broker needed), checking each key on every request."""
    await upgrade(SERVICES["intake"].migrations_dir, database_url)
    settings = SERVICES["intake"].settings(database_url=database_url, auth_key_cache_s=0, run_relay=False,
                                           run_consumer=False, run_background=False,
                                           pii_keys=[Fernet.generate_key().decode()])
    app = SERVICES["intake"].create_app(settings)
    database = Database(database_url)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                                   base_url="http://intake") as client:
        try:
            yield Service(client, database)
        finally:
            await database.dispose()


async def test_a_revoked_key_is_refused_from_the_next_request_on(intake: Service):
    key = await grant([intake.database.url], Role.SUPERVISOR, name="desk-app")
    other = await grant([intake.database.url], Role.SUPERVISOR, name="other-desk-app")
    assert (await intake.status_with(key))[0] == 200
    async with intake.database.engine.begin() as connection:
        assert await revoke_key(connection, split_key(key)[0])
        assert not await revoke_key(connection, "0123456789abcdef")
    status, detail = await intake.status_with(key)
    assert status == 401 and f"the API key {split_key(key)[0]} was revoked at" in detail
    assert (await intake.status_with(other))[0] == 200


async def test_an_expired_key_is_refused(intake: Service):
    now = datetime.now(UTC)
    expired = issue_key(name="temp", roles=SUPERVISOR, tenant="default", expires_at=now - timedelta(seconds=1),
                        now=now - timedelta(days=1))
    lasting = issue_key(name="temp", roles=SUPERVISOR, tenant="default", expires_at=now + timedelta(hours=1))
    await store_at([intake.database.url], expired)
    await store_at([intake.database.url], lasting)
    status, detail = await intake.status_with(expired.text)
    assert status == 401 and f"the API key {expired.key.id} was expired at" in detail
    assert (await intake.status_with(lasting.text))[0] == 200


async def test_a_rotated_key_works_for_its_grace_period_and_its_successor_at_once(intake: Service):
    old = await grant([intake.database.url], Role.SUPERVISOR, name="wechat-bridge")
    new = successor(await intake.stored(old))
    async with intake.database.engine.begin() as connection:
        retired = await retire_key(connection, await intake.stored(old), new, grace=timedelta(hours=1))
    assert retired.replaced_by == new.key.id and retired.expires_at is not None
    assert (await intake.stored(old)).expires_at == retired.expires_at
    assert (await intake.status_with(old))[0] == 200
    assert (await intake.status_with(new.text))[0] == 200


async def test_a_rotated_key_is_refused_once_its_grace_period_is_over(intake: Service):
    old = await grant([intake.database.url], Role.SUPERVISOR, name="wechat-bridge")
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    new = successor(await intake.stored(old), now=two_hours_ago)
    async with intake.database.engine.begin() as connection:
        await retire_key(connection, await intake.stored(old), new, grace=timedelta(hours=1), now=two_hours_ago)
    status, detail = await intake.status_with(old)
    assert status == 401 and "was expired at" in detail
    assert (await intake.status_with(new.text))[0] == 200
