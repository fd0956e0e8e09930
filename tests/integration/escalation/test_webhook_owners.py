"""A partner reaches only the webhook subscriptions it made (its tenant and key name); another partner gets 404
for them as if they did not exist, and an admin reaches all of its own tenant."""

from uuid import UUID

import httpx

from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from tests.integration.escalation.test_webhooks import (  # noqa: F401 (fixtures)
    producer_fixture,
    receiver_fixture,
    service_fixture,
    subscribe,
)


def partner_client(service, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://escalation",
                             headers={API_KEY_HEADER: key})


async def a_partner(service, name: str, *, tenant: str = "default") -> httpx.AsyncClient:
    key = await grant([service.settings.resolved_database_url], Role.PARTNER, name=name, tenant=tenant)
    return partner_client(service, key)


async def listed(client: httpx.AsyncClient) -> set[UUID]:
    answer = await client.get("/v1/webhooks", params={"limit": 200})
    assert answer.status_code == 200, answer.text
    return {UUID(item["id"]) for item in answer.json()["items"]}


async def test_a_partner_reaches_only_its_own_subscriptions(service, receiver):
    async with await a_partner(service, "acme") as acme, await a_partner(service, "globex") as globex, \
            await a_partner(service, "acme", tenant="other") as namesake:
        mine = UUID((await subscribe(acme, receiver))["id"])
        theirs = UUID((await subscribe(globex, receiver))["id"])

        assert await listed(acme) == {mine}
        assert await listed(globex) == {theirs}
        assert await listed(namesake) == set()
        assert {mine, theirs} <= await listed(service.client)
        assert (await acme.get(f"/v1/webhooks/{mine}")).status_code == 200
        for method, path in (("GET", f"/v1/webhooks/{theirs}"), ("PATCH", f"/v1/webhooks/{theirs}"),
                             ("POST", f"/v1/webhooks/{theirs}/secret/rotation"),
                             ("GET", f"/v1/webhooks/{theirs}/deliveries")):
            answer = await acme.request(method, path, json={"active": False} if method == "PATCH" else None)
            assert answer.status_code == 404, (path, answer.text)
        assert (await service.client.get(f"/v1/webhooks/{theirs}")).json()["active"] is True
        assert (await service.client.patch(f"/v1/webhooks/{mine}", json={"description": "by admin"})).status_code == 200


async def test_only_partners_and_admins_reach_webhooks(service):
    key = await grant([service.settings.resolved_database_url], Role.SUPERVISOR, Role.ANALYST, name="lead")
    async with partner_client(service, key) as staff:
        assert (await staff.get("/v1/webhooks")).status_code == 403
