"""Hotspots (the background sweep, once per value and day across replicas, announced on the broker) and the
root-cause view of terms and topics."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from services.feedback.analytics.jobs import sweep_once
from shared.contracts.complaint import ComplaintClassifiedV1, ComplaintReceivedV1
from shared.contracts.feedback import InsightHotspotDetectedV1
from shared.messaging.tables import outbox
from tests.integration.feedback import test_analytics
from tests.integration.feedback.test_analytics import analytics_settings, running_analytics
from tests.support import header_value, produce_events, reading, started_producer, unique, wait_until

analytics = test_analytics.analytics   # the fixture


def complaint(*, category: str, product: str, received_at: datetime, text: str = "s") -> list:
    cid = uuid4()
    return [ComplaintReceivedV1(complaint_id=cid, occurred_at=received_at, tracking_number="T", channel="letter",
                                customer_id="c", subject=text, description=text, received_at=received_at,
                                product_ref=product),
            ComplaintClassifiedV1(complaint_id=cid, occurred_at=received_at, category=category, severity=2,
                                  priority="normal", confidence=0.9)]


async def volume(service, category: str, start: datetime, end: datetime) -> int:
    response = await service.client.get("/v1/kpis", params={"from": start.isoformat(), "to": end.isoformat(),
                                                           "category": category})
    return response.json()["total"]["volume"]


async def insights_on_broker(bootstrap: str, category: str) -> list:
    found = []
    async with reading(bootstrap, InsightHotspotDetectedV1.topic) as consumer:
        async def scan() -> bool:
            for batch in (await consumer.getmany(timeout_ms=100)).values():
                found.extend(m for m in batch if header_value(m, "ce_type") == InsightHotspotDetectedV1.ce_type
                             and category.encode() in m.value)
            return bool(found)
        await wait_until(scan, what=f"the hotspot of {category} on the broker")
    return found


async def test_a_rising_category_is_a_hotspot_once(analytics, database_url, broker, tmp_path):
    category, product = unique("cat-"), unique("prod-")
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # baseline: one a day for 28 days -> limit 1 + 3 * 1 = 4; today: 8
    events = [e for d in range(1, 29) for e in complaint(category=category, product=product,
                                                         received_at=today - timedelta(days=d) + timedelta(hours=9))]
    events += [e for _ in range(8) for e in complaint(category=category, product=product, received_at=today)]
    async with started_producer(broker.bootstrap) as producer:
        await produce_events(producer, events)
    await wait_until(lambda: _has(analytics, category, today - timedelta(days=28), today + timedelta(days=1), 36),
                     within=60, what="36 complaints recorded")

    assert await sweep_once(analytics.runtime, now=now) >= 2
    # another replica on the same database: the lease keeps it out, and once the lease is over the unique
    # row per value and day keeps it from announcing the same hotspot again
    second = analytics_settings(database_url, broker.bootstrap, tmp_path, run_consumer=False)
    async with running_analytics(second, wait_for_consumer=False) as replica:
        assert await sweep_once(replica.runtime, now=now) == 0
        assert await sweep_once(replica.runtime, now=now + timedelta(minutes=10)) == 0

    response = await analytics.client.get("/v1/insights/hotspots", params={"from": today.isoformat()})
    mine = [h for h in response.json() if h["value"] in (category, product)]
    assert sorted((h["dimension"], h["count"], h["expected"]) for h in mine) == [
        ("category", 8, 1.0), ("product", 8, 1.0)]
    assert mine[0]["window_start"].startswith(today.date().isoformat())
    assert await _announced(analytics, category) == 1
    [message] = await insights_on_broker(broker.bootstrap, category)
    # keyed by the hotspot, naming the eight complaints of the day (complaint_id: the latest of them)
    hotspot = next(h for h in mine if h["dimension"] == "category")
    todays = {str(e.complaint_id) for e in events[-16:] if isinstance(e, ComplaintReceivedV1)}
    insight = InsightHotspotDetectedV1.model_validate_json(message.value)
    assert message.key.decode() == hotspot["id"] == str(insight.hotspot_id)
    assert header_value(message, "ce_subject") == hotspot["id"]
    assert {str(i) for i in insight.complaint_ids} == todays == set(hotspot["complaint_ids"])
    assert str(insight.complaint_id) == hotspot["complaint_ids"][0]


async def _has(service, category, start, end, count) -> bool:
    return await volume(service, category, start, end) == count


async def _announced(service, category: str) -> int:
    async with service.runtime.database.reading() as connection:
        query = select(func.count()).select_from(outbox).where(
            outbox.c.ce_type == InsightHotspotDetectedV1.ce_type, outbox.c.payload.contains(category))
        return (await connection.execute(query)).scalar_one()


async def test_the_terms_of_a_category_against_the_rest(analytics, broker):
    category = unique("billing-")
    day = datetime(2024, 6, 10, 9, tzinfo=UTC)
    texts = ["账单多扣了话费，要求退款", "本月账单金额错误，多扣费", "账单重复扣费 refund please", "话费账单不对"]
    others = ["网络信号很差，经常断线", "宽带网络断线", "delivery of the router was late", "网络速度慢"]
    events = [e for t in texts for e in complaint(category=category, product="p", received_at=day, text=t)]
    events += [e for t in others for e in complaint(category=unique("other-"), product="p", received_at=day, text=t)]
    async with started_producer(broker.bootstrap) as producer:
        await produce_events(producer, events)
    span = {"from": "2024-06-10", "to": "2024-06-11"}

    async def characterised() -> dict | None:
        response = await analytics.client.get("/v1/insights/terms", params={**span, "category": category})
        assert response.status_code == 200, response.text
        body = response.json()
        return body if (body["documents"], body["compared_with"]) == (4, 4) else None

    body = await wait_until(characterised, within=60, what="the eight complaints recorded")
    top = [t["term"] for t in body["terms"][:3]]
    assert "账单" in top
    assert not {"网络", "断线"} & {t["term"] for t in body["terms"]}
    assert body["topics"] and all(topic["terms"] for topic in body["topics"])


@pytest.mark.parametrize(("path", "params"), [
    ("/v1/insights/terms", {"from": "2024-06-11", "to": "2024-06-10"}),
    ("/v1/insights/terms", {"category": ""}),
    ("/v1/insights/terms", {"to": "not a date"}),
    ("/v1/insights/hotspots", {"from": "2024-06-11", "to": "2024-06-10"}),
    ("/v1/insights/hotspots", {"dimension": "colour"}),
])
async def test_bad_insight_queries_are_422(analytics, path, params):
    response = await analytics.client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
