"""Webhook subscriptions over time: disabled after failing, enabled again, redelivery, secret rotation."""

from uuid import uuid4

from tests.integration.escalation.test_webhooks import (  # noqa: F401 (fixtures)
    a_breach,
    deliveries,
    migrated_service,
    producer_fixture,
    receiver_fixture,
    service_fixture,
    settled,
    subscribe,
)
from tests.support import produce_event, wait_until


async def test_a_subscription_failing_every_try_is_disabled_with_a_notice(database_url, broker, receiver,
                                                                           producer):
    async with migrated_service(database_url, broker.bootstrap, webhook_disable_after_failures=2) as service:
        client = service.client
        subscription = await subscribe(client, receiver)
        receiver.failing = True
        first, second = a_breach(), a_breach()
        await produce_event(producer, first)
        await produce_event(producer, second)

        async def disabled() -> dict | None:
            found = (await client.get(f"/v1/webhooks/{subscription['id']}")).json()
            return found if not found["active"] else None

        notice = await wait_until(disabled, what="the subscription to be disabled")
        assert "deliveries in a row failed every try" in notice["disabled_reason"]
        assert "HTTP 503" in notice["disabled_reason"] and notice["disabled_at"] is not None
        failed = await deliveries(client, subscription["id"], state="failed")
        assert len(failed) >= 2 and all(d["attempts"] == 3 for d in failed)

        receiver.failing = False
        enabled = await client.patch(f"/v1/webhooks/{subscription['id']}", json={"active": True})
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["disabled_reason"] is None and enabled.json()["failed_deliveries"] == 0
        later = a_breach()
        await produce_event(producer, later)
        delivery = await settled(client, subscription["id"], later.complaint_id)
        assert delivery["state"] == "succeeded"


async def test_redelivery_sends_the_same_message_again(service, receiver, producer):
    client = service.client
    subscription = await subscribe(client, receiver)
    receiver.failing = True
    breach = a_breach()
    await produce_event(producer, breach)
    failed = await settled(client, subscription["id"], breach.complaint_id)
    assert failed["state"] == "failed" and len(failed["log"]) == 3

    receiver.failing = False
    answer = await client.post(f"/v1/webhooks/{subscription['id']}/deliveries/{failed['id']}/redelivery")
    assert answer.status_code == 202, answer.text
    delivered = await settled(client, subscription["id"], breach.complaint_id)
    assert delivered["state"] == "succeeded" and delivered["attempts"] == 1
    assert [a["status_code"] for a in delivered["log"]] == [503, 503, 503, 204]
    calls = receiver.of(breach.complaint_id)
    assert len({(c.headers["webhook-id"], c.body) for c in calls}) == 1 and len(calls) == 4

    again = await client.post(f"/v1/webhooks/{subscription['id']}/deliveries/{failed['id']}/redelivery")
    assert again.status_code == 202
    await wait_until(lambda: len(receiver.of(breach.complaint_id)) == 5, what="the second redelivery")


async def test_redelivering_an_unknown_delivery_is_not_found(service, receiver):
    subscription = await subscribe(service.client, receiver)
    answer = await service.client.post(f"/v1/webhooks/{subscription['id']}/deliveries/{uuid4()}/redelivery")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_after_a_rotation_both_secrets_sign_during_the_grace(service, receiver, producer):
    client = service.client
    subscription = await subscribe(client, receiver)
    old = subscription["secret"]
    rotated = await client.post(f"/v1/webhooks/{subscription['id']}/secret/rotation", json={"grace_s": 3600})
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != old and rotated.json()["previous_secret_until"] is not None
    receiver.secrets[:] = [new]

    breach = a_breach()
    await produce_event(producer, breach)
    [call] = await wait_until(lambda: receiver.of(breach.complaint_id), what="the partner to get the breach")
    assert call.verifies_with(new) and call.verifies_with(old)
    assert len(call.headers["webhook-signature"].split(" ")) == 2

    ended = await client.post(f"/v1/webhooks/{subscription['id']}/secret/rotation", json={"grace_s": 0})
    newest = ended.json()["secret"]
    assert ended.json()["previous_secret_until"] is None
    receiver.secrets[:] = [newest]
    delivery = await settled(client, subscription["id"], breach.complaint_id)
    await client.post(f"/v1/webhooks/{subscription['id']}/deliveries/{delivery['id']}/redelivery")
    await wait_until(lambda: len(receiver.of(breach.complaint_id)) == 2, what="the redelivery")
    resent = receiver.of(breach.complaint_id)[1]
    assert resent.verifies_with(newest) and not resent.verifies_with(new) and not resent.verifies_with(old)
    assert (await settled(client, subscription["id"], breach.complaint_id))["state"] == "succeeded"
