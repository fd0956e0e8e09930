"""Tenants in escalation, on the real database and broker: each tenant's complaints, clocks, escalations, reports
and webhook deliveries stay its own. Another tenant's complaint answers 404 as a missing one does, the reports
count only the caller's clocks, and every event escalation emits names the complaint's tenant."""

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy import insert, update

from services.escalation.webhooks.models import WebhookDelivery, WebhookSubscription
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts.complaint import ComplaintErasedV1, ComplaintErasureConfirmedV1, ComplaintEscalatedV1
from shared.contracts.sla import SlaBreachedV1, SlaStartedV1
from shared.db import Database
from tests.integration.escalation.builders import classified, fast_policy, new_id, received
from tests.integration.escalation.test_webhook_owners import a_partner, listed, partner_client
from tests.integration.escalation.test_webhooks import (  # noqa: F401 (fixtures)
    BREACHED,
    a_breach,
    deliveries,
    producer_fixture,
    receiver_fixture,
    service_fixture,
    subscribe,
)
from tests.support import produce_event, started_producer, unique, wait_until

ACME = "acme"


def _without_id(answer: httpx.Response, complaint_id: UUID) -> dict[str, Any]:
    """A problem answer with the complaint's id and the request id taken out, to compare two 404s."""
    body = json.loads(answer.text.replace(str(complaint_id), "<id>"))
    body.pop("request_id", None)
    return {"status": answer.status_code, "content_type": answer.headers["content-type"], **body}


async def _by_category(client: httpx.AsyncClient, fmt: str = "json") -> dict[str, int] | str:
    answer = await client.get("/v1/sla/reports/attainment", params={"group_by": "category", "format": fmt})
    assert answer.status_code == 200, answer.text
    return answer.text if fmt == "csv" else {row["group"]: row["clocks"] for row in answer.json()["rows"]}


async def test_each_tenant_sees_counts_and_escalates_only_its_own_complaints(escalation, event_log, broker):
    slow, quick = unique("tenant-slow-"), unique("tenant-quick-")
    for policy in (fast_policy(slow), fast_policy(quick, first_response_s=1)):
        assert (await escalation.client.post("/v1/sla/policies", json=policy)).status_code == 201
    ours, theirs, late, early = new_id(), [new_id(), new_id()], new_id(), new_id()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received(ours))
        await produce_event(producer, classified(ours, category=slow))
        for complaint_id, category in ((theirs[0], slow), (theirs[1], slow), (late, quick)):
            await produce_event(producer, received(complaint_id, tenant=ACME))
            await produce_event(producer, classified(complaint_id, category=category, tenant=ACME))
        # Classified by an older producer that names no tenant, before complaint.received names acme.
        await produce_event(producer, classified(early, category=slow))
        await produce_event(producer, received(early, tenant=ACME))

        for complaint_id in (ours, *theirs, late):
            started = await event_log.wait_for(complaint_id, SlaStartedV1, count=2)
            assert {e.tenant for e in started} == {"default" if complaint_id == ours else ACME}
        await event_log.wait_for(early, SlaStartedV1, count=2)  # started under the only tenant known then
        breached = await event_log.wait_for(late, SlaBreachedV1)  # the timer's events name the tenant too
        raised = await event_log.wait_for(late, ComplaintEscalatedV1)
        assert breached[0].tenant == ACME and raised[0].tenant == ACME

        key = await escalation.grant(Role.AGENT, Role.SUPERVISOR, Role.ANALYST, name="acme-lead", tenant=ACME)
        async with escalation.client_with(key) as acme:
            await wait_until(lambda: _seen(acme, early), what="complaint.received to move the early clocks")
            await _only_own_complaints(escalation.client, acme, ours=ours, theirs=theirs[0])
            await _only_own_clocks_counted(escalation.client, acme, slow=slow, quick=quick)
            await _only_own_complaints_escalated(escalation, acme, event_log, ours=ours, theirs=theirs)

            await produce_event(producer, ComplaintErasedV1(complaint_id=theirs[0], basis="request", tenant=ACME))
            [confirmed] = await event_log.wait_for(theirs[0], ComplaintErasureConfirmedV1)
            assert confirmed.tenant == ACME


async def _seen(client: httpx.AsyncClient, complaint_id: UUID) -> bool:
    return (await client.get(f"/v1/complaints/{complaint_id}/sla")).status_code == 200


async def _only_own_complaints(default: httpx.AsyncClient, acme: httpx.AsyncClient, *, ours: UUID,
                               theirs: UUID) -> None:
    missing = new_id()
    nowhere = _without_id(await default.get(f"/v1/complaints/{missing}/sla"), missing)
    assert nowhere["status"] == 404
    for client, own, other in ((default, ours, theirs), (acme, theirs, ours)):
        assert (await client.get(f"/v1/complaints/{own}/sla")).status_code == 200
        assert _without_id(await client.get(f"/v1/complaints/{other}/sla"), other) == nowhere


async def _only_own_clocks_counted(default: httpx.AsyncClient, acme: httpx.AsyncClient, *, slow: str,
                                   quick: str) -> None:
    ours, theirs = await _by_category(default), await _by_category(acme)
    assert ours.get(slow) == 2 and quick not in ours  # one complaint: first response and resolution
    assert theirs.get(slow) == 6 and theirs.get(quick) == 2  # three complaints, and the late one
    exported = await _by_category(default, "csv")
    assert slow in exported and quick not in exported


async def _only_own_complaints_escalated(escalation, acme: httpx.AsyncClient, event_log, *, ours: UUID,
                                         theirs: list[UUID]) -> None:
    for client, other in ((acme, ours), (escalation.client, theirs[1])):
        refused = await client.post(f"/v1/complaints/{other}/escalations", json={"reason": "not mine"})
        assert refused.status_code == 404, refused.text
    assert (await escalation.sla(ours))["escalations"] == []
    assert (await acme.get(f"/v1/complaints/{theirs[1]}/sla")).json()["escalations"] == []
    assert await escalation.outbox_count(ComplaintEscalatedV1.ce_type, ours) == 0

    done = await acme.post(f"/v1/complaints/{theirs[0]}/escalations", json={"reason": "press enquiry"})
    assert done.status_code == 201, done.text
    [raised] = await event_log.wait_for(theirs[0], ComplaintEscalatedV1)
    assert (raised.tenant, raised.trigger) == (ACME, "manual")


async def _drop_owner(service, subscription_id: str) -> None:
    """Make a subscription look like one from before owners."""
    database = Database(service.settings.resolved_database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(update(WebhookSubscription).where(WebhookSubscription.id == UUID(subscription_id))
                                     .values(owner_tenant=None, owner=None))
    finally:
        await database.dispose()


async def test_a_subscription_gets_only_its_tenants_events_and_admins_only_their_tenants(service, receiver,
                                                                                          producer):
    async with await a_partner(service, "acme-partner", tenant=ACME) as partner:
        ours = await subscribe(service.client, receiver)
        legacy = await subscribe(service.client, receiver)
        theirs = await subscribe(partner, receiver)
        await _drop_owner(service, legacy["id"])

        for_default, for_acme = a_breach(), a_breach().model_copy(update={"tenant": ACME})
        await produce_event(producer, for_default)
        await produce_event(producer, for_acme)
        secret = {sub["id"]: sub["secret"] for sub in (ours, legacy, theirs)}

        def callers(complaint_id: UUID) -> set[str]:
            return {sub_id for call in receiver.of(complaint_id) for sub_id, key in secret.items()
                    if call.verifies_with(key)}

        await wait_until(lambda: callers(for_default.complaint_id) == {ours["id"], legacy["id"]} and
                         callers(for_acme.complaint_id) == {theirs["id"]}, what="each tenant's deliveries")
        # Each event's deliveries were recorded in one transaction, so the logs are complete by now.
        for client, sub_id, expected in ((service.client, ours["id"], for_default),
                                         (service.client, legacy["id"], for_default),
                                         (partner, theirs["id"], for_acme)):
            assert {d["complaint_id"] for d in await deliveries(client, sub_id)} == {str(expected.complaint_id)}
        assert callers(for_default.complaint_id) == {ours["id"], legacy["id"]}
        assert callers(for_acme.complaint_id) == {theirs["id"]}

        await _admins_reach_only_their_tenants(service, ours=ours["id"], legacy=legacy["id"], theirs=theirs["id"])
        await _a_stray_delivery_stays_hidden(service, subscription_id=ours["id"])


async def _admins_reach_only_their_tenants(service, *, ours: str, legacy: str, theirs: str) -> None:
    key = await grant([service.settings.resolved_database_url], Role.ADMIN, name="acme-admin", tenant=ACME)
    async with partner_client(service, key) as acme_admin:
        assert {str(found) for found in await listed(acme_admin)} >= {theirs}
        assert not {ours, legacy} & {str(found) for found in await listed(acme_admin)}
        assert not {theirs} & {str(found) for found in await listed(service.client)}
        assert {ours, legacy} <= {str(found) for found in await listed(service.client)}
        for client, other in ((acme_admin, ours), (acme_admin, legacy), (service.client, theirs)):
            assert (await client.get(f"/v1/webhooks/{other}")).status_code == 404
            assert (await client.get(f"/v1/webhooks/{other}/deliveries")).status_code == 404
            changed = await client.patch(f"/v1/webhooks/{other}", json={"active": False})
            assert changed.status_code == 404, changed.text
        assert (await acme_admin.get(f"/v1/webhooks/{theirs}")).json()["active"] is True
        assert (await service.client.get(f"/v1/webhooks/{ours}")).json()["active"] is True
        assert (await service.client.get(f"/v1/webhooks/{legacy}")).json()["active"] is True


async def _a_stray_delivery_stays_hidden(service, *, subscription_id: str) -> None:
    """A delivery of another tenant's event under a subscription (one recorded before fan-out kept tenants apart)
    is left out of the subscription's log and answers 404."""
    stray, now = uuid4(), datetime.now(UTC)
    database = Database(service.settings.resolved_database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(insert(WebhookDelivery).values(
                id=stray, subscription_id=UUID(subscription_id), event_id=str(uuid4()), event_type=BREACHED,
                complaint_id=uuid4(), tenant=ACME, payload="{}", state="failed", attempts=1, next_attempt_at=now,
                created_at=now))
    finally:
        await database.dispose()
    assert str(stray) not in {d["id"] for d in await deliveries(service.client, subscription_id)}
    for method, path in (("GET", f"/v1/webhooks/{subscription_id}/deliveries/{stray}"),
                         ("POST", f"/v1/webhooks/{subscription_id}/deliveries/{stray}/redelivery")):
        assert (await service.client.request(method, path)).status_code == 404, path
