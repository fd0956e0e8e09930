"""examples/webhook_receiver.py on a real port, receiving real signed webhooks: escalation's partner webhook for an
event it consumed off the broker, and (run as a script) intake's acknowledgement notification. A redelivery (same
webhook-id) is answered 2xx but handled once; a tampered body, a stale timestamp and a foreign secret are refused.
Run with --subscribe, the script subscribes itself at escalation with a partner's API key."""

import asyncio
import base64
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from standardwebhooks import Webhook

from examples.webhook_receiver import PATH, Inbox, NotSubscribed, create_app, subscribe
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.broker import free_port
from shared.contracts import REGISTRY
from shared.contracts.sla import SlaBreachedV1, SlaTarget
from tests.examples.conftest import file_complaint, script, serving
from tests.integration.escalation.conftest import Escalation, escalation_settings, running_escalation
from tests.integration.intake.receivers import LOOPBACK_CALLBACKS
from tests.support import authorised, group_at_end, produce_event, started_producer, wait_until

BREACHED = "redress.sla.breached.v1"


class Recorder:
    """Wraps the receiver's ASGI app and keeps each request's headers and raw body, to send them again."""

    def __init__(self, app: Any) -> None:
        self.app, self.requests = app, []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        self.requests.append(({k.decode(): v.decode() for k, v in scope["headers"]}, body))

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, replay, send)


class Partner:
    """The example receiver with a handler that remembers what it handled."""

    def __init__(self, secrets_: list[str], inbox_path: Path) -> None:
        self.handled: list[dict[str, Any]] = []
        self.inbox = Inbox(str(inbox_path))
        self.app = Recorder(create_app(secrets_, self.inbox, handle=self.handle))

    async def handle(self, payload: dict[str, Any]) -> None:
        self.handled.append(payload)

    def stored(self) -> int:
        return self.inbox.db.execute("SELECT count(*) FROM webhook").fetchone()[0]


def signed(headers: dict[str, str]) -> dict[str, str]:
    """The headers a sender sets; httpx sets content-length itself."""
    return {k: v for k, v in headers.items() if k.startswith("webhook-") or k == "content-type"}


def a_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
async def escalation(database_url: str, broker) -> AsyncIterator[Escalation]:
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="examples-escalation-")
    settings = escalation_settings(database_url, broker.bootstrap, consumer_group=group, webhook_poll_s=0.05,
                                   webhook_backoff_s=[0.05], webhook_jitter=0.0, webhook_timeout_s=5,
                                   webhook_lease_s=10)
    async with running_escalation(settings) as service:
        await authorised(service.client, database_url, name="examples")
        yield service


async def delivery_log(escalation: Escalation, subscription_id: str, complaint_id: str, tries: int) -> dict:
    """The complaint's only delivery once it has succeeded after `tries` tries in all."""
    async def settled() -> dict | None:
        found = (await escalation.client.get(f"/v1/webhooks/{subscription_id}/deliveries",
                                             params={"complaint_id": complaint_id})).json()["items"]
        if len(found) != 1 or found[0]["state"] != "succeeded":
            return None
        detail = (await escalation.client.get(f"/v1/webhooks/{subscription_id}/deliveries/{found[0]['id']}")).json()
        return detail if len(detail["log"]) == tries else None
    return await wait_until(settled, within=30, what=f"{tries} successful tries of the delivery")


async def test_an_escalation_webhook_is_handled_once_and_forgeries_are_refused(escalation, broker, tmp_path):
    url = f"http://127.0.0.1:{free_port()}{PATH}"
    answer = await escalation.client.post("/v1/webhooks", json={"url": url, "filters": [BREACHED]})
    assert answer.status_code == 201, answer.text
    subscription = answer.json()
    partner = Partner([subscription["secret"]], tmp_path / "inbox.sqlite")
    breach = SlaBreachedV1(complaint_id=uuid4(), target=SlaTarget.RESOLUTION, policy_id="standard",
                           due_at=datetime.now(UTC))
    async with serving(partner.app, port=int(url.split(":")[2].split("/")[0])):
        async with started_producer(broker.bootstrap) as producer:
            await produce_event(producer, breach)
        [payload] = await wait_until(lambda: partner.handled, within=30, what="the partner to handle the breach")
        assert payload["type"] == BREACHED and payload["subject"] == str(breach.complaint_id)
        assert payload["data"] == breach.model_dump(mode="json")
        delivery = await delivery_log(escalation, subscription["id"], str(breach.complaint_id), tries=1)

        redelivered = await escalation.client.post(
            f"/v1/webhooks/{subscription['id']}/deliveries/{delivery['id']}/redelivery")
        assert redelivered.status_code == 202, redelivered.text
        delivery = await delivery_log(escalation, subscription["id"], str(breach.complaint_id), tries=2)
        assert [a["status_code"] for a in delivery["log"]] == [204, 204]
        first, second = partner.app.requests
        assert first[0]["webhook-id"] == second[0]["webhook-id"] == delivery["id"] and first[1] == second[1]
        assert partner.stored() == 1

        headers, body = first
        async with httpx.AsyncClient() as client:
            tampered = await client.post(url, content=body.replace(b"resolution", b"first_response"),
                                         headers=signed(headers))
            stale_at = datetime.now(UTC) - timedelta(minutes=10)
            stale = await client.post(url, content=body, headers={
                **signed(headers), "webhook-id": "msg_stale", "webhook-timestamp": str(int(stale_at.timestamp())),
                "webhook-signature": Webhook(subscription["secret"]).sign("msg_stale", stale_at, body.decode())})
            foreign = await client.post(url, content=body, headers={
                **signed(headers), "webhook-signature": Webhook(a_secret()).sign(
                    headers["webhook-id"], datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC),
                    body.decode())})
            unsigned = await client.post(url, content=body, headers={"content-type": "application/json"})
            replayed = await client.post(url, content=body, headers=signed(headers))

    assert (tampered.status_code, stale.status_code, foreign.status_code) == (401, 401, 401)
    assert "too old" in stale.json()["error"] and "signature" in tampered.json()["error"]
    assert unsigned.status_code == 400
    assert replayed.status_code == 204
    assert partner.stored() == 1 and len(partner.handled) == 1
    partner.inbox.close()


async def listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


@pytest.mark.slow
async def test_the_receiver_script_verifies_and_handles_intakes_notification_webhook(start_intake, tmp_path):
    secret, port, inbox_path = a_secret(), free_port(), tmp_path / "inbox.sqlite"
    env = {"WEBHOOK_SECRETS": f"{a_secret()},{secret}",  # e.g. mid-rotation: two secrets held, one matches
           "WEBHOOK_PORT": str(port), "WEBHOOK_INBOX": str(inbox_path)}
    async with script("webhook_receiver.py", env=env, cwd=tmp_path), \
            start_intake(webhook_secret=secret, notification_poll_s=0.05, **LOOPBACK_CALLBACKS) as intake:
        await wait_until(lambda: listening(port), within=30, what="the receiver script to listen")
        ack = await file_complaint(intake, callback_url=f"http://127.0.0.1:{port}{PATH}")
        inbox = Inbox(str(inbox_path))
        try:
            [(kind, payload)] = await wait_until(lambda: inbox.db.execute(
                "SELECT type, payload FROM webhook WHERE processed_at IS NOT NULL").fetchall(),
                within=30, what="the acknowledgement webhook to be handled")
        finally:
            inbox.close()
    assert kind == "complaint.acknowledgement"
    assert json.loads(payload)["data"]["tracking_number"] == ack["tracking_number"]


@pytest.mark.slow
async def test_the_receiver_script_subscribes_itself_with_a_partner_key(escalation, database_url, broker, tmp_path):
    key = await grant([database_url], Role.PARTNER, name="acme")
    port, inbox_path = free_port(), tmp_path / "inbox.sqlite"
    receiver_url = f"http://127.0.0.1:{port}{PATH}"
    env = {"REDRESS_API_KEY": key, "WEBHOOK_SECRETS": "", "WEBHOOK_PORT": str(port), "WEBHOOK_INBOX": str(inbox_path)}
    async with serving(escalation.app, port=free_port(), lifespan="off") as escalation_url:
        with pytest.raises(NotSubscribed, match="escalation answered 401"):
            await asyncio.to_thread(subscribe, escalation_url, receiver_url, filters=[BREACHED], key=None)
        async with script("webhook_receiver.py", "--subscribe", escalation_url, "--filter", BREACHED, env=env,
                          cwd=tmp_path):
            await wait_until(lambda: listening(port), within=30, what="the receiver script to listen")
            [subscription] = (await escalation.client.get("/v1/webhooks")).json()["items"]
            assert (subscription["url"], subscription["filters"]) == (receiver_url, [BREACHED])
            breach = SlaBreachedV1(complaint_id=uuid4(), target=SlaTarget.FIRST_RESPONSE, policy_id="standard",
                                   due_at=datetime.now(UTC))
            async with started_producer(broker.bootstrap) as producer:
                await produce_event(producer, breach)
            inbox = Inbox(str(inbox_path))
            try:
                [(kind, payload)] = await wait_until(lambda: inbox.db.execute(
                    "SELECT type, payload FROM webhook WHERE processed_at IS NOT NULL").fetchall(),
                    within=30, what="the breach webhook to be handled")
            finally:
                inbox.close()
    assert kind == BREACHED and json.loads(payload)["subject"] == str(breach.complaint_id)
