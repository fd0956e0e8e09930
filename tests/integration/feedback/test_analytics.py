"""KPIs of a generated history of 40 complaints whose figures are worked out by hand, produced as real events
onto the broker and read back through /v1/kpis; plus bad input, hotspots and the root-cause view."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.catalog import SERVICES
from services.feedback.analytics.api import analytics_router
from services.feedback.analytics.facts import record_fact
from services.feedback.analytics.jobs import analytics_jobs
from services.feedback.analytics.models import FactEvent
from services.feedback.analytics.settings import AnalyticsSettingsMixin
from services.feedback.evaluations.domain import DIMENSIONS
from services.feedback.settings import FeedbackSettings
from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts import REGISTRY, Event
from shared.contracts import complaint as c
from shared.contracts import feedback as f
from shared.contracts import sla as s
from shared.migrations import upgrade
from shared.service_app import build_service_app
from tests.support import group_at_end, produce_event, started_producer, unique, wait_assigned, wait_until

DAY0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)   # a Monday; the history covers 3-6 March 2025
RANGE = {"from": "2025-03-03", "to": "2025-03-07"}


class AnalyticsTestSettings(FeedbackSettings, AnalyticsSettingsMixin):
    pass


@dataclass
class Analytics:
    app: FastAPI
    client: httpx.AsyncClient
    settings: AnalyticsTestSettings
    bootstrap: str

    @property
    def runtime(self):
        return self.app.state.runtime


def analytics_settings(database_url: str, bootstrap: str, tmp_path: Path, **overrides) -> AnalyticsTestSettings:
    return AnalyticsTestSettings(**{
        "database_url": database_url, "kafka_bootstrap": bootstrap, "kafka_session_timeout_ms": 2000,
        "kafka_heartbeat_interval_ms": 300, "outbox_poll_s": 0.05, "relay_lease_s": 2,
        "consumer_group": unique("feedback-analytics-"), "run_background": False, "reports_dir": tmp_path / "reports",
        **overrides})


def analytics_app(settings: AnalyticsTestSettings) -> FastAPI:
    return build_service_app(settings, description="feedback analytics", routers=[analytics_router],
                             handlers={event: record_fact for event in REGISTRY.events}, background=analytics_jobs)


@pytest.fixture
async def analytics(database_url: str, broker, tmp_path: Path) -> AsyncIterator[Analytics]:
    group = await group_at_end(broker.bootstrap, REGISTRY.topics, prefix="feedback-analytics-")
    settings = analytics_settings(database_url, broker.bootstrap, tmp_path, consumer_group=group)
    async with running_analytics(settings) as service:
        yield service


class running_analytics:
    def __init__(self, settings: AnalyticsTestSettings, *, wait_for_consumer: bool = True) -> None:
        self.settings = settings
        self.wait_for_consumer = wait_for_consumer

    async def __aenter__(self) -> Analytics:
        await upgrade(SERVICES["feedback"].migrations_dir, self.settings.database_url)
        self.app = analytics_app(self.settings)
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        key = await grant([self.settings.resolved_database_url], Role.ANALYST, name="analyst")
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://feedback",
                                         headers={API_KEY_HEADER: key})
        if self.wait_for_consumer:
            await wait_assigned(self.app.state.runtime.consumer)
        return Analytics(self.app, self._client, self.settings, self.settings.kafka_bootstrap)

    async def __aexit__(self, *exc) -> None:
        await self._client.aclose()
        await self._lifespan.__aexit__(*exc)


# --- The history -------------------------------------------------------------------------------------------

@dataclass
class History:
    region: str
    ids: list[UUID] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    WEEKDAY_CHANNELS: ClassVar = ("web", "email", "phone", "app")

    def add(self, event: Event) -> None:
        self.events.append(event)


def _at(received: datetime, hours: float) -> datetime:
    return received + timedelta(hours=hours)


def _opening(h: History, i: int, cid: UUID, received: datetime) -> None:
    team, agent = ("t-even" if i % 2 == 0 else "t-odd"), f"ag{i % 4}"
    h.add(c.ComplaintReceivedV1(complaint_id=cid, occurred_at=received, tracking_number=f"T-{i}",
                                channel=h.WEEKDAY_CHANNELS[i % 4], customer_id=f"cu{i}", subject=f"complaint {i}",
                                description="billing overcharge" if i < 20 else "network outage",
                                received_at=received, repeat=i % 5 == 0, region=h.region, product_ref="fibre"))
    h.add(c.ComplaintClassifiedV1(complaint_id=cid, occurred_at=_at(received, 0.1), severity=2, confidence=0.9,
                                  category="billing" if i < 20 else "network", priority="normal"))
    h.add(c.ComplaintAssignedV1(complaint_id=cid, occurred_at=_at(received, 0.2), team_id=team, agent_id=agent))
    if i % 10 == 4:
        h.add(c.ComplaintAssignedV1(complaint_id=cid, occurred_at=_at(received, 0.3), team_id=team, agent_id=agent,
                                    previous_agent_id="someone", transfers=1))
    if i % 7 == 3:
        h.add(c.ComplaintEscalatedV1(complaint_id=cid, occurred_at=_at(received, 0.4), level=1, reason="breach"))


def _first_response(h: History, i: int, cid: UUID, received: datetime) -> None:
    due = _at(received, 2)
    if i % 9 == 2:
        h.add(c.ComplaintInformationRequestedV1(complaint_id=cid, occurred_at=_at(received, 0.5), message="?"))
    if i % 2 == 0:   # business minutes from escalation's clock: 60 -> 1.0 h
        h.add(c.ComplaintRespondedV1(complaint_id=cid, occurred_at=_at(received, 1), message="m", first_response=True))
        h.add(s.SlaFulfilledV1(complaint_id=cid, occurred_at=_at(received, 1), target="first_response",
                               policy_id="p", due_at=due, met=True, elapsed_minutes=60))
        return
    h.add(c.ComplaintRespondedV1(complaint_id=cid, occurred_at=_at(received, 3), message="m", first_response=True))
    if i % 3 == 0:   # breached, no minutes: 3 calendar hours
        h.add(s.SlaBreachedV1(complaint_id=cid, occurred_at=due, target="first_response", policy_id="p", due_at=due))
        h.add(s.SlaFulfilledV1(complaint_id=cid, occurred_at=_at(received, 3), target="first_response",
                               policy_id="p", due_at=due, met=False))
    if i % 6 == 1:
        h.add(c.ComplaintRespondedV1(complaint_id=cid, occurred_at=_at(received, 3.5), message="again"))


def _resolution(h: History, i: int, cid: UUID, received: datetime) -> None:
    hours = {0: 4, 1: 10, 2: 20, 3: 30}[i % 4]
    h.add(c.ComplaintResolvedV1(complaint_id=cid, occurred_at=_at(received, hours), resolution="done"))
    h.add(c.ComplaintStatusChangedV1(complaint_id=cid, occurred_at=_at(received, hours), from_status="responded",
                                     to_status="resolved"))
    if i % 4 == 0:   # 240 business minutes -> 4.0 h, met
        h.add(s.SlaFulfilledV1(complaint_id=cid, occurred_at=_at(received, hours), target="resolution",
                               policy_id="p", due_at=_at(received, 48), met=True, elapsed_minutes=240))
    if i % 4 == 3:
        h.add(s.SlaBreachedV1(complaint_id=cid, occurred_at=_at(received, 24), target="resolution", policy_id="p",
                              due_at=_at(received, 24)))
    if i % 12 == 5:  # reopened at +11 h and resolved again at +12 h
        h.add(c.ComplaintStatusChangedV1(complaint_id=cid, occurred_at=_at(received, 11), from_status="resolved",
                                         to_status="reopened"))
        h.add(c.ComplaintResolvedV1(complaint_id=cid, occurred_at=_at(received, 12), resolution="done again"))


HAPPY_DIMENSIONS = {"response_speed": 4, "attitude": 5, "expertise": 5, "problem_solving": 5, "communication": 5}
UNHAPPY_DIMENSIONS = {"response_speed": 1, "attitude": 4, "expertise": 3, "problem_solving": 2}   # no communication


def _survey(h: History, i: int, cid: UUID, received: datetime) -> None:
    h.add(f.SurveyRequestedV1(complaint_id=cid, occurred_at=_at(received, 40), survey_url="u",
                              expires_at=_at(received, 400)))
    if i % 3 == 0:
        happy = i % 2 == 0
        h.add(f.FeedbackReceivedV1(complaint_id=cid, occurred_at=_at(received, 50), csat=5 if happy else 3,
                                   nps=10 if happy else 7, ces=2 if happy else 4, solved=True,
                                   dimensions=HAPPY_DIMENSIONS if happy else UNHAPPY_DIMENSIONS))


def forty_complaints(region: str, *, day0: datetime = DAY0) -> History:
    """i = 0..39, ten a day from day0 (3 March 2025); 0..35 are resolved, 36..39 stay open (see the expectations)."""
    history = History(region)
    for i in range(40):
        cid, received = uuid4(), day0 + timedelta(days=i // 10, hours=i % 10)
        history.ids.append(cid)
        _opening(history, i, cid, received)
        if i < 36:
            _first_response(history, i, cid, received)
            _resolution(history, i, cid, received)
            _survey(history, i, cid, received)
    return history


async def publish(service: Analytics, history: History) -> None:
    async with started_producer(service.bootstrap) as producer:
        for event in history.events:
            await produce_event(producer, event)
    await wait_until(lambda: _applied(service, history.ids), within=60,
                     what=f"{len(history.events)} events recorded as facts")


async def _applied(service: Analytics, ids: list[UUID]) -> bool:
    async with service.runtime.database.reading() as connection:
        query = select(func.count()).select_from(FactEvent).where(FactEvent.complaint_id.in_(ids))
        return (await connection.execute(query)).scalar_one() == _expected_events.get(tuple(ids), -1)


_expected_events: dict[tuple[UUID, ...], int] = {}


async def publish_history(service: Analytics, *, day0: datetime = DAY0) -> History:
    produced = forty_complaints(unique("region-"), day0=day0)
    _expected_events[tuple(produced.ids)] = len(produced.events)
    await publish(service, produced)
    return produced


@pytest.fixture
async def history(analytics: Analytics) -> History:
    return await publish_history(analytics)


# --- Expectations ------------------------------------------------------------------------------------------

async def kpis(service: Analytics, **params) -> dict:
    response = await service.client.get("/v1/kpis", params={**RANGE, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_kpis_of_the_history_are_exact(analytics, history):
    total = (await kpis(analytics, region=history.region))["total"]
    assert (total["volume"], total["resolved"]) == (40, 36)
    # first response: 18 × 1.0 business h (even), 18 × 3.0 calendar h (odd): median (1 + 3) / 2, p90 = 33rd of 36
    assert (total["first_response_median_h"], total["first_response_p90_h"]) == (2.0, 3.0)
    assert total["first_response_business_share"] == 0.5
    # resolution: 9 × 4 (business), 6 × 10, 3 × 12 (reopened), 9 × 20, 9 × 30: median (12 + 20) / 2, p90 = 30
    assert (total["resolution_median_h"], total["resolution_p90_h"]) == (16.0, 30.0)
    assert total["resolution_business_share"] == 0.25
    # first response 18 met of 24 decided, resolution 9 of 18, together 27 of 42
    assert (total["sla_first_response_attainment"], total["sla_resolution_attainment"]) == (0.75, 0.5)
    assert total["sla_attainment"] == 0.6429
    # not first-contact: 6 with a second response, 4 information requests, 4 transfers, 3 reopened (29 twice)
    assert total["fcr_rate"] == 0.5556           # 20 / 36
    assert total["reopen_rate"] == 0.0833        # 3 / 36
    assert total["transfers_per_complaint"] == 0.1
    assert total["escalation_rate"] == 0.15     # 3, 10, 17, 24, 31, 38
    assert total["repeat_rate"] == 0.2
    assert (total["backlog_open"], total["backlog_ge_14d"]) == (4, 4)
    # 12 answers of 36 surveyed: six 5/10/2 and six 3/7/4, all solved
    assert (total["surveys_sent"], total["survey_response_rate"]) == (36, 0.3333)
    assert (total["csat_mean"], total["csat_satisfied_rate"], total["nps"], total["ces_mean"]) == (4.0, 0.5, 50.0, 3.0)
    assert (total["resolution_satisfaction"], total["resolution_satisfaction_met"]) == (0.5, False)


async def test_scores_by_service_quality_dimension(analytics, history):
    # six happy answers (i = 0, 6, … 30: even team, web or phone) and six unhappy ones (i = 3, 9, … 33: odd team,
    # app or email; communication not scored)
    total = (await kpis(analytics, region=history.region))["total"]
    assert {name: (total[f"dimension_{name}_responses"], total[f"dimension_{name}_mean"]) for name in DIMENSIONS} == {
        "response_speed": (12, 2.5), "attitude": (12, 4.5), "expertise": (12, 4.0), "problem_solving": (12, 3.5),
        "communication": (6, 5.0)}
    assert (total["weakest_dimension"], total["weakest_dimension_mean"]) == ("response_speed", 2.5)
    # the same filters as every KPI: billing is i < 20 (happy 0, 6, 12, 18; unhappy 3, 9, 15)
    billing = (await kpis(analytics, region=history.region, category="billing"))["total"]
    assert (billing["dimension_response_speed_mean"], billing["dimension_problem_solving_mean"]) == (2.714, 3.714)
    even = (await kpis(analytics, region=history.region, team="t-even"))["total"]
    assert (even["weakest_dimension"], even["weakest_dimension_mean"], even["dimension_attitude_mean"]) == (
        "response_speed", 4.0, 5.0)
    app = (await kpis(analytics, region=history.region, channel="app"))["total"]
    assert (app["dimension_problem_solving_responses"], app["dimension_communication_responses"]) == (3, 0)
    # the trend: by day, answers are filed under the day their complaint came in (3 and 9 on day one, …)
    by_day = await kpis(analytics, region=history.region, group_by="period", period="day")
    assert [(g["key"], g["kpis"]["dimension_response_speed_mean"], g["kpis"]["weakest_dimension"])
            for g in by_day["groups"]] == [("2025-03-03", 2.5, "response_speed"), ("2025-03-04", 3.0, "response_speed"),
                                           ("2025-03-05", 2.0, "response_speed"), ("2025-03-06", 2.5, "response_speed")]


async def test_kpis_group_by_period_channel_and_team(analytics, history):
    by_day = await kpis(analytics, region=history.region, group_by="period", period="day")
    assert [(g["key"], g["kpis"]["volume"]) for g in by_day["groups"]] == [
        ("2025-03-03", 10), ("2025-03-04", 10), ("2025-03-05", 10), ("2025-03-06", 10)]
    by_week = await kpis(analytics, region=history.region, period="week")
    assert [(g["key"], g["kpis"]["volume"]) for g in by_week["groups"]] == [("2025-03-03", 40)]
    by_channel = await kpis(analytics, region=history.region, group_by="channel")
    assert {g["key"]: g["kpis"]["volume"] for g in by_channel["groups"]} == {"app": 10, "email": 10, "phone": 10,
                                                                               "web": 10}
    by_team = await kpis(analytics, region=history.region, group_by="team")
    medians = {g["key"]: g["kpis"]["first_response_median_h"] for g in by_team["groups"]}
    assert medians == {"t-even": 1.0, "t-odd": 3.0}
    by_agent = await kpis(analytics, region=history.region, group_by="agent")
    assert {g["key"]: g["kpis"]["volume"] for g in by_agent["groups"]} == {f"ag{n}": 10 for n in range(4)}


async def test_filters_narrow_the_complaints(analytics, history):
    billing = (await kpis(analytics, region=history.region, category="billing"))["total"]
    assert billing["volume"] == 20 and billing["resolved"] == 20
    web_even = (await kpis(analytics, region=history.region, channel="web", team="t-even"))["total"]
    assert web_even["volume"] == 10    # i % 4 == 0 are all web and even
    first_day = (await kpis(analytics, region=history.region, **{"to": "2025-03-04"}))["total"]
    assert first_day["volume"] == 10


async def test_kpis_as_csv(analytics, history):
    response = await analytics.client.get("/v1/kpis", params={**RANGE, "region": history.region,
                                                              "group_by": "channel", "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("channel,volume,resolved,fcr_rate")
    header = lines[0].split(",")
    assert {"dimension_attitude_mean", "dimension_attitude_responses", "weakest_dimension"} <= set(header)
    app = next(line.split(",") for line in lines if line.startswith("app,"))
    assert app[header.index("weakest_dimension")] == "response_speed"
    assert [line.split(",")[:2] for line in lines[1:]] == [["app", "10"], ["email", "10"], ["phone", "10"],
                                                          ["web", "10"], ["total", "40"]]


async def test_an_event_delivered_twice_is_counted_once(analytics, history):
    duplicate = next(e for e in history.events if isinstance(e, c.ComplaintRespondedV1))
    async with started_producer(analytics.bootstrap) as producer:
        await produce_event(producer, duplicate)
        marker = c.ComplaintReceivedV1(complaint_id=uuid4(), tracking_number="T-x", channel="web", customer_id="x",
                                       subject="s", description="d", received_at=DAY0, region=history.region)
        await produce_event(producer, marker)
    await wait_until(lambda: _volume(analytics, history.region, 41), what="the marker complaint")
    total = (await kpis(analytics, region=history.region))["total"]
    assert total["fcr_rate"] == 0.5556 and total["first_response_count"] == 36


async def _volume(service: Analytics, region: str, volume: int) -> bool:
    return (await kpis(service, region=region))["total"]["volume"] == volume


@pytest.mark.parametrize(("params", "name"), [
    ({"from": "2025-03-07", "to": "2025-03-03"}, None),
    ({"from": "yesterday"}, "from"),
    ({"group_by": "colour"}, "group_by"),
    ({"period": "fortnight"}, "period"),
    ({"format": "xml"}, "format"),
    ({"channel": ""}, "channel"),
    ({"from": "2020-01-01", "to": "2025-01-01"}, None),
])
async def test_bad_kpi_queries_are_422(analytics, params, name):
    response = await analytics.client.get("/v1/kpis", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if name:
        assert name in response.text
