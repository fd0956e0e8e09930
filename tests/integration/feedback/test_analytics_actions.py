"""Improvement actions: tracked from open to done, with the category's complaint rate before and after."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from services.feedback.analytics.actions import service as actions
from shared.contracts.base import DEFAULT_TENANT
from tests.integration.feedback import test_analytics
from tests.integration.feedback.test_analytics_insights import complaint, volume
from tests.support import produce_events, started_producer, unique, wait_until

analytics = test_analytics.analytics   # the fixture


async def test_an_action_goes_from_open_to_done_and_shows_its_effect(analytics, broker):
    category = unique("cat-")
    complaint_ids = [str(uuid4()), str(uuid4())]
    created = await analytics.client.post("/v1/actions", json={
        "title": "Explain the new tariff on the bill", "owner": "billing lead", "due_date": "2030-01-31",
        "category": category, "complaint_ids": complaint_ids})
    assert created.status_code == 201, created.text
    action = created.json()
    assert (action["status"], action["category"], action["complaint_ids"], action["impact"]) == (
        "open", category, complaint_ids, None)

    path = f"/v1/actions/{action['id']}"
    assert (await analytics.client.post(f"{path}/status", json={"status": "done"})).status_code == 409
    assert (await analytics.client.post(f"{path}/status", json={"status": "in_progress"})).json()["status"] == (
        "in_progress")
    done = (await analytics.client.post(f"{path}/status", json={"status": "done"})).json()
    assert done["status"] == "done" and done["done_at"] is not None
    assert (await analytics.client.post(f"{path}/status", json={"status": "open"})).status_code == 409
    listed = (await analytics.client.get("/v1/actions", params={"status": "done"})).json()
    assert action["id"] in [a["id"] for a in listed]

    # 14 complaints in the week before creation, 7 in the week after completion: 2.0 -> 1.0 a day
    row = await actions.get_action(analytics.runtime.new_uow(), UUID(action["id"]), tenant=DEFAULT_TENANT)
    before = [e for n in range(14) for e in complaint(category=category, product="p",
                                                      received_at=row.created_at - timedelta(days=3, minutes=n))]
    after = [e for n in range(7) for e in complaint(category=category, product="p",
                                                    received_at=row.done_at + timedelta(days=2, minutes=n))]
    outside = complaint(category=category, product="p", received_at=row.created_at - timedelta(days=8))
    async with started_producer(broker.bootstrap) as producer:
        await produce_events(producer, before + after + outside)
    span = (row.created_at - timedelta(days=30), row.done_at + timedelta(days=30))
    await wait_until(lambda: _volume_is(analytics, category, span, 22), within=60, what="22 complaints recorded")
    impact = await actions.impact(analytics.runtime.database, row, window_days=7,
                                  now=row.done_at + timedelta(days=10))
    assert (impact.window_days, impact.rate_before, impact.rate_after) == (7.0, 2.0, 1.0)
    # shown on the action itself (the after-window is still short here: it ends now)
    shown = (await analytics.client.get(path)).json()
    assert shown["impact"] is not None and shown["impact"]["window_days"] < 1


async def _volume_is(service, category, span, count) -> bool:
    return await volume(service, category, *span) == count


@pytest.mark.parametrize("body", [
    {"title": "", "owner": "o", "due_date": "2030-01-01", "category": "c"},
    {"title": "t", "owner": "o", "due_date": "someday", "category": "c"},
    {"title": "t", "owner": "o", "due_date": "2030-01-01"},
    {"title": "t", "owner": "o", "due_date": "2030-01-01", "insight_id": str(uuid4())},
    {"title": "t", "owner": "o", "due_date": "2030-01-01", "category": "c", "complaint_ids": ["nope"]},
    {"title": "t", "owner": "o", "due_date": "2030-01-01", "category": "c", "colour": "red"},
])
async def test_bad_actions_are_422_and_store_nothing(analytics, body):
    response = await analytics.client.post("/v1/actions", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await analytics.client.get("/v1/actions")).json() == []


async def test_unknown_actions_are_404(analytics):
    assert (await analytics.client.get(f"/v1/actions/{uuid4()}")).status_code == 404
    response = await analytics.client.post(f"/v1/actions/{uuid4()}/status", json={"status": "in_progress"})
    assert response.status_code == 404
    assert (await analytics.client.post(f"/v1/actions/{uuid4()}/status", json={"status": "closed"})).status_code == 422
