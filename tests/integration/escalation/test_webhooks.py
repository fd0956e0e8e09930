"""Webhooks end to end: events off the real broker, the real database, and a partner's endpoint on a real HTTP
server that checks the Standard Webhooks signatures."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from services.catalog import SERVICES
from services.escalation.app import create_app
from services.escalation.settings import EscalationSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.broker import free_port
from shared.contracts import REGISTRY
from shared.contracts.sla import SlaBreachedV1, SlaTarget, SlaWarningV1
from shared.migrations import upgrade
from tests.support import group_at_end, produce_event, started_producer, unique, wait_until

BREACHED = "redress.sla.breached.v1"
MIGRATIONS = SERVICES["escalation"].migrations_dir


def webhook_settings(database_url: str, bootstrap: str, **overrides: Any) -> Any:
    """Groups that join in about a second, and retries after 50 ms instead of hours. Subscriptions stay active
    unless a test asks otherwise: the group reads the topics from the start, so earlier tests' events fail too."""
    return EscalationSettings(**{
        "database_url": database_url, "kafka_bootstrap": bootstrap, "kafka_session_timeout_ms": 2000,
        "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05, "relay_lease_s": 2,
        "consumer_group": unique("escalation-webhooks-"), "webhook_backoff_s": [0.05, 0.05],
        "webhook_jitter": 0.0, "webhook_poll_s": 0.05, "webhook_timeout_s": 5, "webhook_lease_s": 10,
        "webhook_disable_after_failures": 1000,
        **overrides})


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient
    settings: Any


@contextlib.asynccontextmanager
async def running_service(settings: Any) -> AsyncIterator[Service]:
    key = await grant([settings.resolved_database_url], Role.ADMIN, name="tests")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://escalation", headers={API_KEY_HEADER: key}) as client:
        yield Service(app=app, client=client, settings=settings)


@contextlib.asynccontextmanager
async def migrated_service(database_url: str, bootstrap: str, **overrides: Any) -> AsyncIterator[Service]:
    await upgrade(MIGRATIONS, database_url)
    group = await group_at_end(bootstrap, REGISTRY.topics, prefix="escalation-webhooks-")
    overrides = {"consumer_group": group, **overrides}
    async with running_service(webhook_settings(database_url, bootstrap, **overrides)) as service:
        yield service


@dataclass
class Call:
    headers: dict[str, str]
    body: str

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


@dataclass
class Receiver:
    """A partner's endpoint: answers 401 to a signature none of `secrets` made, fails the first calls of the
    complaints named in `failures`, or every call while `failing`."""

    port: int = field(default_factory=free_port)
    secrets: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    failing: bool = False
    calls: list[Call] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def of(self, complaint_id: UUID) -> list[Call]:
        return [c for c in self.calls if c.document.get("subject") == str(complaint_id)]

    async def hook(self, request: Request) -> PlainTextResponse:
        call = Call(dict(request.headers), (await request.body()).decode())
        self.calls.append(call)
        if not any(call.verifies_with(secret) for secret in self.secrets):
            return PlainTextResponse("bad signature", status_code=401)
        subject = call.document["subject"]
        if self.failing or self.failures.get(subject, 0) > 0:
            self.failures[subject] = self.failures.get(subject, 0) - 1
            return PlainTextResponse("try again later", status_code=503)
        return PlainTextResponse("", status_code=204)


@pytest.fixture(name="receiver")
async def receiver_fixture() -> AsyncIterator[Receiver]:
    partner = Receiver()
    app = Starlette(routes=[Route("/hook", partner.hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=partner.port, log_level="warning",
                                           lifespan="off", timeout_graceful_shutdown=5))
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started or task.done(), what="the receiver to listen")
    yield partner
    server.should_exit = True
    await task


@pytest.fixture(name="service")
async def service_fixture(database_url: str, broker) -> AsyncIterator[Service]:
    async with migrated_service(database_url, broker.bootstrap) as running:
        yield running


@pytest.fixture(name="producer")
async def producer_fixture(broker):
    async with started_producer(broker.bootstrap) as started:
        yield started


async def subscribe(client: httpx.AsyncClient, receiver: Receiver, filters: tuple[str, ...] = (BREACHED,)
                    ) -> dict[str, Any]:
    answer = await client.post("/v1/webhooks", json={"url": receiver.url, "description": "partner",
                                                     "filters": list(filters)})
    assert answer.status_code == 201, answer.text
    subscription = answer.json()
    receiver.secrets.append(subscription["secret"])
    return subscription


def a_breach(complaint_id: UUID | None = None) -> SlaBreachedV1:
    return SlaBreachedV1(complaint_id=complaint_id or uuid4(), target=SlaTarget.RESOLUTION, policy_id="standard",
                         due_at="2026-03-02T09:00:00Z")


async def deliveries(client: httpx.AsyncClient, subscription_id: str, **filters: Any) -> list[dict[str, Any]]:
    answer = await client.get(f"/v1/webhooks/{subscription_id}/deliveries",
                              params={k: str(v) for k, v in filters.items()})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def settled(client: httpx.AsyncClient, subscription_id: str, complaint_id: UUID) -> dict[str, Any]:
    """The complaint's only delivery once it succeeded or failed, with its log."""
    async def done() -> dict[str, Any] | None:
        found = await deliveries(client, subscription_id, complaint_id=complaint_id)
        return found[0] if len(found) == 1 and found[0]["state"] != "pending" else None

    delivery = await wait_until(done, what="the delivery to settle")
    answer = await client.get(f"/v1/webhooks/{subscription_id}/deliveries/{delivery['id']}")
    return answer.json()


async def test_a_consumed_event_reaches_the_partner_signed(service, receiver, producer):
    subscription = await subscribe(service.client, receiver)
    breach = a_breach()
    await produce_event(producer, SlaWarningV1(complaint_id=breach.complaint_id, target=SlaTarget.RESOLUTION,
                                               policy_id="standard", due_at=breach.due_at, threshold_percent=75))
    ce_id = uuid4()
    await produce_event(producer, breach, ce_id=ce_id)

    [call] = await wait_until(lambda: receiver.of(breach.complaint_id), what="the partner to get the breach")
    assert call.verifies_with(subscription["secret"])
    document = call.document
    assert document["type"] == BREACHED and document["source"] == "/redress/escalation"
    assert document["id"] == str(ce_id)  # the partner matches the webhook with the event on the topic
    assert document["data"] == breach.model_dump(mode="json")
    delivery = await settled(service.client, subscription["id"], breach.complaint_id)
    assert delivery["state"] == "succeeded" and delivery["event_type"] == BREACHED
    assert call.headers["webhook-id"] == delivery["id"] and document["id"] == delivery["event_id"]
    assert [(a["number"], a["status_code"], a["succeeded"]) for a in delivery["log"]] == [(1, 204, True)]
    assert delivery["payload"] == document  # the warning matched no filter: one delivery, one call


async def test_failed_tries_are_retried_with_the_same_message(service, receiver, producer):
    subscription = await subscribe(service.client, receiver)
    breach = a_breach()
    receiver.failures[str(breach.complaint_id)] = 2
    await produce_event(producer, breach)

    delivery = await settled(service.client, subscription["id"], breach.complaint_id)
    assert delivery["state"] == "succeeded" and delivery["attempts"] == 3
    assert [(a["status_code"], a["response_excerpt"]) for a in delivery["log"]] == [
        (503, "try again later"), (503, "try again later"), (204, "")]
    assert all(a["duration_ms"] >= 0 for a in delivery["log"])
    calls = receiver.of(breach.complaint_id)
    assert len(calls) == 3 and len({c.headers["webhook-id"] for c in calls}) == 1
    assert len({c.body for c in calls}) == 1
    assert all(c.verifies_with(subscription["secret"]) for c in calls)
