"""The webhook API's answers to bad input, its paging and its filters."""

from uuid import uuid4

import pytest

from tests.integration.escalation.test_webhooks import (  # noqa: F401 (fixtures)
    BREACHED,
    a_breach,
    deliveries,
    producer_fixture,
    receiver_fixture,
    service_fixture,
    settled,
    subscribe,
)
from tests.support import produce_event

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("body", [
    {"url": "ftp://partner.example/hook", "filters": ["*"]},
    {"url": "javascript:alert(1)", "filters": ["*"]},
    {"url": "not a url", "filters": ["*"]},
    {"url": "https://partner.example/hook", "filters": []},
    {"url": "https://partner.example/hook", "filters": ["redress sla"]},
    {"url": "https://partner.example/hook"},
    {"url": "https://partner.example/hook", "filters": ["*"], "secret": "mine"},
])
async def test_bad_subscriptions_are_refused_and_change_nothing(service, body):
    answer = await service.client.post("/v1/webhooks", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert (await service.client.get("/v1/webhooks")).json()["items"] == []


async def test_bad_changes_are_refused_and_change_nothing(service, receiver):
    subscription = await subscribe(service.client, receiver)
    url = f"/v1/webhooks/{subscription['id']}"
    for body in ({}, {"url": "ftp://x.example/"}, {"filters": None}, {"active": "sometimes"}):
        answer = await service.client.patch(url, json=body)
        assert answer.status_code == 422 and answer.headers["content-type"].startswith(PROBLEM), body
    assert (await service.client.get(url)).json() == {k: v for k, v in subscription.items() if k != "secret"}
    for method, path in (("GET", f"/v1/webhooks/{uuid4()}"), ("PATCH", f"/v1/webhooks/{uuid4()}"),
                         ("POST", f"/v1/webhooks/{uuid4()}/secret/rotation"),
                         ("GET", f"/v1/webhooks/{uuid4()}/deliveries")):
        answer = await service.client.request(method, path, json={"active": False} if method == "PATCH" else None)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith(PROBLEM), path
    too_long = await service.client.post(f"{url}/secret/rotation", json={"grace_s": 10**9})
    assert too_long.status_code == 422


async def test_subscriptions_are_listed_newest_first_a_page_at_a_time(service, receiver):
    made = [await subscribe(service.client, receiver) for _ in range(3)]
    await service.client.patch(f"/v1/webhooks/{made[0]['id']}", json={"active": False, "description": "paused"})
    first = (await service.client.get("/v1/webhooks", params={"limit": 2})).json()
    second = (await service.client.get("/v1/webhooks", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    listed = [s["id"] for s in first["items"] + second["items"]]
    assert listed == [s["id"] for s in reversed(made)] and second["next_cursor"] is None
    inactive = (await service.client.get("/v1/webhooks", params={"active": "false"})).json()["items"]
    assert [(s["id"], s["description"]) for s in inactive] == [(made[0]["id"], "paused")]
    assert all("secret" not in s for s in listed)
    bad = await service.client.get("/v1/webhooks", params={"cursor": "nonsense"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)


async def test_the_delivery_log_filters_and_pages(service, receiver, producer):
    subscription = await subscribe(service.client, receiver, filters=(BREACHED,))
    breaches = [a_breach() for _ in range(3)]
    receiver.failing = True
    for breach in breaches[:1]:
        await produce_event(producer, breach)
    assert (await settled(service.client, subscription["id"], breaches[0].complaint_id))["state"] == "failed"
    receiver.failing = False
    for breach in breaches[1:]:
        await produce_event(producer, breach)
        await settled(service.client, subscription["id"], breach.complaint_id)

    ours = {str(b.complaint_id) for b in breaches}
    failed = await deliveries(service.client, subscription["id"], state="failed")
    assert [d["complaint_id"] for d in failed if d["complaint_id"] in ours] == [str(breaches[0].complaint_id)]
    one = await deliveries(service.client, subscription["id"], complaint_id=breaches[2].complaint_id)
    assert [(d["state"], d["event_type"]) for d in one] == [("succeeded", BREACHED)]
    paged, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await service.client.get(f"/v1/webhooks/{subscription['id']}/deliveries", params=params)).json()
        paged += [d["complaint_id"] for d in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(paged) == len(set(paged)) and ours <= set(paged)
    bad = await service.client.get(f"/v1/webhooks/{subscription['id']}/deliveries", params={"state": "lost"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
