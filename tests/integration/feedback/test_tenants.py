"""Tenants through HTTP and the broker, on the real database: feedback files every row under the tenant of the
event that made it, its events carry that tenant, and no caller sees or changes another tenant's surveys,
evaluations, follow-ups, QA samples, KPIs, reports, insights or improvement actions (admins included)."""

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, select

from services.feedback.analytics.jobs import write_due_reports
from services.feedback.analytics.models import ComplaintFact, Hotspot
from services.feedback.analytics.service import sweep_hotspots
from services.feedback.cases.models import FeedbackCase
from services.feedback.evaluations.models import Evaluation
from services.feedback.followups.models import FollowUpTask
from services.feedback.surveys.models import Survey
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import Event
from shared.contracts.base import DEFAULT_TENANT
from shared.contracts.complaint import (
    ComplaintCloseRequestedV1,
    ComplaintErasedV1,
    ComplaintErasureConfirmedV1,
)
from shared.contracts.feedback import FeedbackReceivedV1, InsightHotspotDetectedV1, SurveyRequestedV1
from shared.messaging.tables import outbox
from tests.integration.feedback import test_analytics
from tests.integration.feedback.builders import a_received, a_resolved, token_of
from tests.integration.feedback.test_analytics_insights import complaint
from tests.integration.feedback.test_reports import total_of
from tests.support import produce_event, produce_events, started_producer, unique, wait_until

ACME = "acme"
# A low score opens a follow-up task (default rules: csat at most 2).
LOW = {"csat": 2, "solved": True, "nps": 9, "ces": 6}
analytics = test_analytics.analytics   # the fixture of the analytics part alone, with its background jobs off


@pytest.fixture
async def acme(feedback) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same feedback service holding a key of tenant acme; feedback.client is a default-tenant
    admin, who must be kept to the default tenant too."""
    key = await grant([feedback.settings.resolved_database_url], Role.SUPERVISOR, Role.ANALYST, name="acme",
                      tenant=ACME)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=feedback.app), base_url="http://feedback",
                                 headers={API_KEY_HEADER: key}) as client:
        yield client


@dataclass
class TwoTenants:
    product: str
    start: datetime
    ours: list[UUID]      # one complaint of the default tenant
    theirs: list[UUID]    # two of acme
    ours_task: dict
    theirs_task: dict


def of_tenant(event: Event, tenant: str, **fields: object) -> Event:
    return event.model_copy(update={"tenant": tenant, **fields})


async def two_tenants(feedback, acme, event_log, broker) -> TwoTenants:
    """Complaints of both tenants received and resolved on the broker; the first of each answered with a low score,
    which opens a follow-up task in its tenant."""
    product, start = unique("product-"), datetime.now(UTC) - timedelta(minutes=1)
    ours, theirs = [uuid4()], [uuid4(), uuid4()]
    async with started_producer(broker.bootstrap) as producer:
        for tenant, ids in ((DEFAULT_TENANT, ours), (ACME, theirs)):
            for complaint_id in ids:
                await produce_event(producer, of_tenant(a_received(complaint_id), tenant, product_ref=product))
                await produce_event(producer, of_tenant(a_resolved(complaint_id), tenant))
    for complaint_id in (ours[0], theirs[0]):
        [request] = await event_log.wait_for(complaint_id, SurveyRequestedV1)
        answered = await feedback.client.post(f"/v1/surveys/{token_of(request.survey_url)}/answers", json=LOW)
        assert answered.status_code == 201, answered.text
    ours_task = await wait_until(lambda: only_task(feedback.client, ours[0]), what="our follow-up task")
    theirs_task = await wait_until(lambda: only_task(acme, theirs[0]), what="acme's follow-up task")
    await wait_until(lambda: _all_resolved(feedback, ours + theirs), what="every case resolved")
    return TwoTenants(product, start, ours, theirs, ours_task, theirs_task)


async def only_task(client: httpx.AsyncClient, complaint_id: UUID) -> dict | None:
    response = await client.get("/v1/follow-ups", params={"complaint_id": str(complaint_id)})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) <= 1
    return items[0] if items else None


async def _all_resolved(feedback, ids: list[UUID]) -> bool:
    return await feedback.count(FeedbackCase, FeedbackCase.complaint_id.in_(ids),
                                FeedbackCase.resolved_at.is_not(None)) == len(ids)


async def test_rows_and_emitted_events_carry_the_complaints_tenant(feedback, acme, event_log, broker):
    world = await two_tenants(feedback, acme, event_log, broker)
    theirs = world.theirs[0]
    for complaint_id, tenant in ((world.ours[0], DEFAULT_TENANT), (theirs, ACME)):
        [request] = event_log.of(complaint_id, SurveyRequestedV1)
        [answer] = await event_log.wait_for(complaint_id, FeedbackReceivedV1)
        assert (request.tenant, answer.tenant) == (tenant, tenant)
    for table in (FeedbackCase, Survey, Evaluation, FollowUpTask, ComplaintFact):
        assert await feedback.count(table, table.complaint_id == theirs, table.tenant == ACME) >= 1, table
        assert await feedback.count(table, table.complaint_id == theirs, table.tenant != ACME) == 0, table

    done = await acme.post(f"/v1/follow-ups/{world.theirs_task['id']}/outcome",
                           json={"reached": True, "accepted": True})
    assert done.status_code == 200, done.text
    [close] = await event_log.wait_for(theirs, ComplaintCloseRequestedV1)
    assert close.tenant == ACME

    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, ComplaintErasedV1(complaint_id=theirs, basis="request", tenant=ACME))
    [confirmed] = await event_log.wait_for(theirs, ComplaintErasureConfirmedV1)
    assert confirmed.tenant == ACME


async def test_follow_ups_of_another_tenant_are_unknown_and_unchanged(feedback, acme, event_log, broker):
    world = await two_tenants(feedback, acme, event_log, broker)
    ours, theirs = world.ours_task, world.theirs_task

    assert await only_task(feedback.client, world.theirs[0]) is None
    assert await only_task(acme, world.ours[0]) is None
    listed = {t["id"] for t in (await feedback.client.get("/v1/follow-ups")).json()["items"]}
    assert listed == {ours["id"]}
    assert {t["id"] for t in (await acme.get("/v1/follow-ups")).json()["items"]} == {theirs["id"]}

    missing = await feedback.client.get(f"/v1/follow-ups/{uuid4()}")
    other = await feedback.client.get(f"/v1/follow-ups/{theirs['id']}")
    assert (missing.status_code, other.status_code) == (404, 404)
    assert other.json()["title"] == missing.json()["title"]
    assert (await feedback.client.post(f"/v1/follow-ups/{theirs['id']}/assignment",
                                       json={"assignee": "lin"})).status_code == 404
    assert (await feedback.client.post(f"/v1/follow-ups/{theirs['id']}/outcome",
                                       json={"reached": True, "accepted": False})).status_code == 404
    assert (await acme.get(f"/v1/follow-ups/{theirs['id']}")).json() == theirs   # nothing changed
    assert (await acme.get(f"/v1/follow-ups/{ours['id']}")).status_code == 404


async def test_evaluations_of_another_tenants_complaint_are_unknown(feedback, acme, event_log, broker):
    world = await two_tenants(feedback, acme, event_log, broker)
    ours, theirs = world.ours[0], world.theirs[0]

    assert (await feedback.client.get(f"/v1/complaints/{theirs}/evaluations")).json() == []
    assert [e["method"] for e in (await acme.get(f"/v1/complaints/{theirs}/evaluations")).json()] == ["survey"]
    assert (await acme.get(f"/v1/complaints/{ours}/evaluations")).json() == []

    body = {"complaint_id": str(theirs), "method": "follow_up_call", "evaluator": "lin", "csat": 4}
    refused = await feedback.client.post("/v1/evaluations", json=body)
    assert refused.status_code == 404, refused.text
    assert await feedback.count(Evaluation, Evaluation.complaint_id == theirs) == 1
    recorded = await acme.post("/v1/evaluations", json=body)
    assert recorded.status_code == 201, recorded.text
    assert await feedback.count(Evaluation, Evaluation.complaint_id == theirs, Evaluation.tenant == ACME) == 2


async def test_qa_samples_draw_list_and_review_within_the_tenant(feedback, acme, event_log, broker):
    world = await two_tenants(feedback, acme, event_log, broker)
    period = {"start": world.start.isoformat(), "end": (world.start + timedelta(hours=1)).isoformat(), "size": 10}

    theirs = await acme.post("/v1/qa-samples", json={**period, "drawn_by": "acme-qa"})
    ours = await feedback.client.post("/v1/qa-samples", json={**period, "drawn_by": "our-qa"})
    assert (theirs.status_code, ours.status_code) == (201, 201), theirs.text
    theirs, ours = theirs.json(), ours.json()
    assert {c["complaint_id"] for c in theirs["cases"]} == {str(i) for i in world.theirs}
    assert {c["complaint_id"] for c in ours["cases"]} == {str(i) for i in world.ours}

    assert [s["id"] for s in (await feedback.client.get("/v1/qa-samples")).json()["items"]] == [ours["id"]]
    assert [s["id"] for s in (await acme.get("/v1/qa-samples")).json()["items"]] == [theirs["id"]]
    assert (await feedback.client.get(f"/v1/qa-samples/{theirs['id']}")).status_code == 404
    assert (await acme.get(f"/v1/qa-samples/{ours['id']}")).status_code == 404

    case = theirs["cases"][0]["complaint_id"]
    review = {"evaluator": "qa", "csat": 3}
    refused = await feedback.client.post(f"/v1/qa-samples/{theirs['id']}/cases/{case}/review", json=review)
    assert refused.status_code == 404
    assert (await acme.get(f"/v1/qa-samples/{theirs['id']}")).json() == theirs   # nothing changed
    reviewed = await acme.post(f"/v1/qa-samples/{theirs['id']}/cases/{case}/review", json=review)
    assert reviewed.status_code == 201, reviewed.text


async def test_kpis_reports_and_terms_count_only_the_callers_tenant(feedback, acme, event_log, broker):
    world = await two_tenants(feedback, acme, event_log, broker)
    await wait_until(lambda: _facts(feedback, world), what="every fact recorded")
    window = {"from": world.start.isoformat(), "to": (world.start + timedelta(hours=1)).isoformat()}

    for client, volume in ((feedback.client, 1), (acme, 2)):
        kpis = await client.get("/v1/kpis", params={**window, "product": world.product})
        assert kpis.status_code == 200, kpis.text
        assert (kpis.json()["total"]["volume"], kpis.json()["total"]["answers"]) == (volume, 1)
        exported = await client.get("/v1/kpis", params={**window, "format": "csv"})
        [total] = [row for row in csv.DictReader(io.StringIO(exported.text)) if row["period"] == "total"]
        assert int(total["volume"]) == volume
        report = await client.get("/v1/reports", params={**window, "format": "csv"})
        assert report.status_code == 200, report.text
        assert int(total_of(report.text)["volume"]) == volume
        terms = await client.get("/v1/insights/terms", params=window)
        assert terms.json()["documents"] == volume


async def _facts(feedback, world: TwoTenants) -> bool:
    return await feedback.count(ComplaintFact, ComplaintFact.complaint_id.in_(world.ours + world.theirs),
                                ComplaintFact.resolved_at.is_not(None)) == 3


async def test_hotspots_and_improvement_actions_stay_within_the_tenant(feedback, acme):
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    insight = uuid.uuid4()
    async with feedback.database.engine.begin() as connection:
        await connection.execute(Hotspot.__table__.insert().values(
            id=insight, tenant=ACME, dimension="category", value="billing", window_start=day,
            window_end=day + timedelta(days=1), count=9, expected=1.0, upper_limit=4.0, detected_at=day,
            complaint_ids=[]))
    window = {"from": (day - timedelta(days=1)).isoformat(), "to": (day + timedelta(days=1)).isoformat()}
    assert [h["id"] for h in (await acme.get("/v1/insights/hotspots", params=window)).json()] == [str(insight)]
    assert (await feedback.client.get("/v1/insights/hotspots", params=window)).json() == []

    action = {"title": "Fix billing", "owner": "ops", "due_date": "2030-01-01", "insight_id": str(insight)}
    foreign = await feedback.client.post("/v1/actions", json=action)
    missing = await feedback.client.post("/v1/actions", json={**action, "insight_id": str(uuid4())})
    assert (foreign.status_code, missing.status_code) == (422, 422)
    assert foreign.json()["detail"] == f"no insight {insight}" and missing.json()["title"] == foreign.json()["title"]
    created = await acme.post("/v1/actions", json=action)
    assert created.status_code == 201, created.text
    theirs = created.json()
    assert theirs["category"] == "billing"

    assert (await feedback.client.get(f"/v1/actions/{theirs['id']}")).status_code == 404
    assert (await feedback.client.post(f"/v1/actions/{theirs['id']}/status",
                                       json={"status": "in_progress"})).status_code == 404
    assert (await feedback.client.get("/v1/actions")).json() == []
    assert [a["id"] for a in (await acme.get("/v1/actions")).json()] == [theirs["id"]]
    assert (await acme.get(f"/v1/actions/{theirs['id']}")).json()["status"] == "open"   # nothing changed


async def test_a_hotspot_is_a_rise_within_one_tenant(feedback, acme, broker):
    """Five complaints of acme and three of ours in one category today, none before: acme's five make a
    hotspot of acme (limit 0, at least five), ours make none, and the eight are never counted together."""
    category, today = unique("cat-"), datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    theirs = [of_tenant(e, ACME) for n in range(5) for e in complaint(category=category, product="p",
                                                                      received_at=today + timedelta(minutes=n))]
    ours = [e for n in range(3) for e in complaint(category=category, product="q",
                                                   received_at=today + timedelta(minutes=n))]
    async with started_producer(broker.bootstrap) as producer:
        await produce_events(producer, theirs + ours)
    await wait_until(lambda: _classified(feedback, category, 8), what="eight complaints classified")

    found = await sweep_hotspots(feedback.app.state.runtime.new_uow(), now=today + timedelta(hours=1),
                                 baseline_days=3, sigmas=3.0, min_count=5)
    assert [(h.tenant, h.dimension, h.count) for h in found if h.value == category] == [(ACME, "category", 5)]
    window = {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    [hotspot] = [h for h in (await acme.get("/v1/insights/hotspots", params=window)).json() if h["value"] == category]
    assert hotspot["count"] == 5
    assert [h for h in (await feedback.client.get("/v1/insights/hotspots", params=window)).json()
            if h["value"] == category] == []
    [insight] = [e for e in await emitted(feedback, InsightHotspotDetectedV1) if e.category == category]
    assert insight.tenant == ACME and str(insight.hotspot_id) == hotspot["id"]


async def _classified(feedback, category: str, count: int) -> bool:
    return await feedback.count(ComplaintFact, ComplaintFact.category == category) == count


async def emitted(feedback, event_class: type[Event]) -> list:
    """The events of a type in the service's outbox (sent or not)."""
    async with feedback.database.reading() as connection:
        payloads = (await connection.execute(select(outbox.c.payload)
                                             .where(outbox.c.ce_type == event_class.ce_type))).scalars()
        return [event_class.model_validate_json(payload) for payload in payloads]


async def test_scheduled_reports_are_written_per_tenant(analytics, broker):
    """Last week's report of each tenant, the default tenant's where it always was and acme's under tenants/."""
    monday = datetime(2023, 7, 3, 9, tzinfo=UTC)
    theirs = [of_tenant(e, ACME) for n in range(2) for e in complaint(category="billing", product="p",
                                                                      received_at=monday + timedelta(hours=n))]
    ours = complaint(category="billing", product="p", received_at=monday)
    async with started_producer(broker.bootstrap) as producer:
        await produce_events(producer, theirs + ours)
    await wait_until(lambda: _reported(analytics, 3), what="three complaints recorded")

    written = await write_due_reports(analytics.runtime, now=datetime(2023, 7, 10, 6, tzinfo=UTC))
    week = Path("weekly") / "2023-07-03_2023-07-10" / "kpis.csv"
    root = analytics.settings.reports_dir
    assert {root / week, root / "tenants" / ACME / week} <= set(written)
    assert total_of((root / week).read_text())["volume"] == "1"
    assert total_of((root / "tenants" / ACME / week).read_text())["volume"] == "2"


async def _reported(service, count: int) -> bool:
    async with service.runtime.database.reading() as connection:
        found = await connection.scalar(select(func.count()).select_from(ComplaintFact)
                                        .where(ComplaintFact.category == "billing"))
    return found == count
