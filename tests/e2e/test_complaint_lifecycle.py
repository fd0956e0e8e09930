"""A whole complaint across the four services, which talk only over the broker: filed at intake, classified and
assigned by routing, timed by escalation, worked by an agent, surveyed by feedback and closed on the customer's
good answer; the customer follows it on intake's tracking page all along. Staff calls carry an admin key; the
customer's (tracking, survey) carry no credentials."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from shared.contracts.complaint import TOPIC as COMPLAINT_TOPIC
from shared.contracts.complaint import ComplaintClassifiedV1, ComplaintEscalatedV1
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.contracts.feedback import FeedbackReceivedV1, SurveyRequestedV1
from shared.contracts.sla import TOPIC as SLA_TOPIC
from tests.e2e.conftest import DEADLINE_S, Platform
from tests.support import wait_until

pytestmark = pytest.mark.slow

HAPPY = {"csat": 5, "solved": True, "nps": 10, "ces": 7, "dimensions": {"attitude": 5, "response_speed": 5},
         "comment": "Sorted out quickly, thank you"}
# What each service says on the complaint topic about one complaint, from filing to closing.
UNTIL_ASSIGNED = [("intake", "received"), ("routing", "classified"), ("routing", "received→classified"),
                  ("routing", "assigned"), ("routing", "classified→assigned")]
ESCALATED = [("escalation", "escalated"), ("routing", "assigned")]
WORKED_AND_CLOSED = [("routing", "assigned→in_progress"), ("routing", "responded"),
                     ("routing", "in_progress→responded"), ("routing", "resolved"), ("routing", "responded→resolved"),
                     ("feedback", "close-requested"), ("routing", "resolved→closed")]


def body_of(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


async def answer_when(client: httpx.AsyncClient, path: str, predicate: Callable[[Any], Any], *, what: str,
                      **params: str) -> Any:
    """The first 200 answer of GET `path` that satisfies `predicate`."""
    async def check() -> Any:
        response = await client.get(path, params=params)
        return response.json() if response.status_code == 200 and predicate(response.json()) else None
    return await wait_until(check, within=DEADLINE_S, interval=0.1, what=what)


def clocks(sla: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {clock["target"]: clock for clock in sla["clocks"]}


def clock_states(*targets_and_states: tuple[str, str]) -> Callable[[dict[str, Any]], bool]:
    def check(sla: dict[str, Any]) -> bool:
        found = clocks(sla)
        return all(found.get(target, {}).get("state") == state for target, state in targets_and_states)
    return check


def complaint_story(platform: Platform, complaint_id: UUID) -> list[tuple[str, str]]:
    """(source, what) of every event about the complaint on the complaint topic, in order."""
    story = []
    for entry in platform.log.on(complaint_id, COMPLAINT_TOPIC):
        event = entry.event
        what = (f"{event.from_status}→{event.to_status}" if entry.ce_type.endswith("status-changed.v1")
                else entry.ce_type.removeprefix("redress.complaint.").removesuffix(".v1"))
        story.append((entry.source or "", what))
    return story


def sla_story(platform: Platform, complaint_id: UUID) -> list[tuple[str, str]]:
    return [(entry.ce_type.removeprefix("redress.sla.").removesuffix(".v1"), entry.event.target)
            for entry in platform.log.on(complaint_id, SLA_TOPIC)]


def feedback_story(platform: Platform, complaint_id: UUID) -> list[str]:
    return [entry.ce_type for entry in platform.log.on(complaint_id, FEEDBACK_TOPIC)]


async def file(platform: Platform, **changes: Any) -> dict[str, Any]:
    customer = {"id": f"cust-{uuid4().hex[:10]}", "name": "Sam Price", "email": "sam.price@example.com",
                "phone": "+44 20 7946 0321", "tier": "standard", "locale": "en-GB"}
    complaint = {"channel": "web", "customer": {**customer, **changes.pop("customer", {})},
                 "subject": "Parcel arrived two weeks late",
                 "description": "My parcel was delivered two weeks late and the courier never called. "
                                "Write to sam.price@example.com.", **changes}
    return body_of(await platform.intake.post("/v1/complaints", json=complaint), 201)


async def assigned_case(platform: Platform, complaint_id: UUID) -> dict[str, Any]:
    return await answer_when(platform.routing, f"/v1/cases/{complaint_id}",
                             lambda c: c["status"] == "assigned" and c["agent_id"], what="case assigned to an agent")


async def tracking(platform: Platform, number: str, verification: str, predicate: Callable[[Any], Any], *,
                   what: str) -> dict[str, Any]:
    return await answer_when(platform.customer_intake, f"/v1/track/{number}", predicate, what=f"tracking: {what}",
                             verification=verification)


async def post(client: httpx.AsyncClient, path: str, actor: str, body: dict[str, Any] | None = None, *,
               status: int = 200) -> Any:
    return body_of(await client.post(path, json=body, headers={"X-Actor": actor}), status)


async def answer_survey(platform: Platform, number: str, verification: str, *, language: str) -> str:
    """Take the survey link from the customer's tracking page and answer it happily; returns the token."""
    view = await tracking(platform, number, verification, lambda v: any(s["kind"] == "survey" for s in v["history"]),
                          what="survey invitation")
    url = next(s["text"] for s in view["history"] if s["kind"] == "survey")
    token = url.rsplit("/s/", 1)[1]
    survey = body_of(await platform.customer_feedback.get(f"/v1/surveys/{token}"))
    assert (survey["state"], survey["language"], survey["tracking_number"]) == ("sent", language, number)
    answered = body_of(await platform.customer_feedback.post(f"/v1/surveys/{token}/answers", json=HAPPY), 201)
    assert answered["state"] == "answered", answered
    return token


async def closed_everywhere(platform: Platform, complaint_id: UUID, number: str, verification: str) -> dict:
    await answer_when(platform.routing, f"/v1/cases/{complaint_id}", lambda c: c["status"] == "closed",
                      what="case closed")
    return await tracking(platform, number, verification, lambda v: v["status"] == "closed", what="closed")


async def test_an_english_complaint_from_filing_to_closing(platform: Platform):
    ack = await file(platform)
    cid, number, verification = UUID(ack["id"]), ack["tracking_number"], "sam.price@example.com"
    case = await assigned_case(platform, cid)
    assert (case["category"], case["team_id"], case["classification_source"]) == ("delivery", "demo-care-en",
                                                                                  "keywords")
    assert case["safety_flag"] is False and case["priority"] == "normal"
    assert "sam.price@example.com" not in case["description"]
    agent = case["agent_id"]

    running = clock_states(("first_response", "running"), ("resolution", "running"))
    sla = await answer_when(platform.escalation, f"/v1/complaints/{cid}/sla", lambda s: running(s) and s["team_id"],
                            what="first response and resolution clocks running, the team known")
    assert sla["policy_id"] == "standard" and sla["team_id"] == "demo-care-en"
    due = clocks(sla)
    view = await tracking(platform, number, verification, lambda v: v["reply_by"] and v["resolve_by"],
                          what="due dates")
    assert view["status"] == "being_handled" and view["status_text"] == "Being handled"
    assert _same_time(view["reply_by"], due["first_response"]["due_at"])
    assert _same_time(view["resolve_by"], due["resolution"]["due_at"])

    await work_the_case(platform, cid, agent)
    await answer_survey(platform, number, verification, language="en")
    view = await closed_everywhere(platform, cid, number, verification)
    assert view["status_text"] == "Closed" and view["reply_by"] is None
    assert [s["kind"] for s in view["history"]] == ["received", "assigned", "reply", "resolved", "survey", "closed"]
    await check_the_record(platform, cid, UNTIL_ASSIGNED + WORKED_AND_CLOSED)


async def work_the_case(platform: Platform, cid: UUID, agent: str) -> None:
    """The agent accepts, responds (first-response clock fulfilled) and resolves (resolution clock fulfilled)."""
    routing, sla_path = platform.routing, f"/v1/complaints/{cid}/sla"
    assert (await post(routing, f"/v1/cases/{cid}/acceptance", agent))["status"] == "in_progress"
    response = await post(routing, f"/v1/cases/{cid}/responses", agent, {"template": "acknowledge_investigating"},
                          status=201)
    assert response["state"] == "sent"
    sla = await answer_when(platform.escalation, sla_path, clock_states(("first_response", "fulfilled")),
                            what="first response clock fulfilled")
    assert clocks(sla)["first_response"]["met"] is True and clocks(sla)["resolution"]["state"] == "running"
    resolution = {"resolution": "We apologised and refunded the delivery fee.", "resolution_code": "refund",
                  "root_cause": "logistics_partner"}
    assert (await post(routing, f"/v1/cases/{cid}/resolution", agent, resolution))["status"] == "resolved"
    sla = await answer_when(platform.escalation, sla_path, clock_states(("resolution", "fulfilled")),
                            what="resolution clock fulfilled")
    assert clocks(sla)["resolution"]["met"] is True


async def check_the_record(platform: Platform, cid: UUID, complaint_story_expected: list[tuple[str, str]]) -> None:
    """The events on each topic, in order, and no dead letter anywhere."""
    # The services have acted on the last events already; the log may still be reading them.
    await wait_until(lambda: len(complaint_story(platform, cid)) >= len(complaint_story_expected)
                     and len(sla_story(platform, cid)) >= 4 and len(feedback_story(platform, cid)) >= 2,
                     within=DEADLINE_S, what="every event in the log")
    story = complaint_story(platform, cid)
    assert story == complaint_story_expected, story
    sla = sla_story(platform, cid)
    assert sorted(sla[:2]) == [("started", "first_response"), ("started", "resolution")], sla
    assert sla[2:] == [("fulfilled", "first_response"), ("fulfilled", "resolution")], sla
    assert feedback_story(platform, cid) == [SurveyRequestedV1.ce_type, FeedbackReceivedV1.ce_type]
    [feedback] = platform.log.of(cid, FeedbackReceivedV1)
    assert (feedback.csat, feedback.solved, feedback.nps, feedback.method) == (5, True, 10, "survey")
    assert await platform.dead_letters({cid}) == []


def _same_time(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


async def test_a_chinese_safety_complaint_goes_to_the_emergency_team_and_is_closed(platform: Platform):
    ack = await file(platform, customer={"name": "王芳", "email": None, "phone": "+86 138 0013 8000",
                                         "locale": "zh-CN"},
                     subject="电热水壶漏电 起火", description="昨天买的电热水壶使用时漏电，插头处起火，差点烫伤孩子。")
    cid, number, verification = UUID(ack["id"]), ack["tracking_number"], "8000"
    assert ack["language"] == "zh"
    case = await assigned_case(platform, cid)
    assert (case["category"], case["priority"], case["severity"], case["safety_flag"]) == ("safety", "critical",
                                                                                          5, True)
    assert case["team_id"] == "demo-emergency"
    [classified] = await platform.log.wait_for(cid, ComplaintClassifiedV1)
    assert (classified.category, classified.priority, classified.safety_flag) == ("safety", "critical", True)

    sla = await answer_when(platform.escalation, f"/v1/complaints/{cid}/sla",
                            clock_states(("first_response", "running"), ("resolution", "running")),
                            what="first response and resolution clocks running")
    assert sla["policy_id"] == "critical" and clocks(sla)["first_response"]["target_minutes"] == 60
    view = await tracking(platform, number, verification, lambda v: v["reply_by"] and v["resolve_by"],
                          what="due dates")
    assert (view["language"], view["status_text"]) == ("zh", "处理中")

    # Severity 5 takes it to the second rung of the ladder at once: a manager owns it from then on, and needs
    # no one's approval to answer a critical case.
    [escalated] = await platform.log.wait_for(cid, ComplaintEscalatedV1)
    assert (escalated.level, escalated.role, escalated.trigger) == (2, "manager", "severity")
    case = await answer_when(platform.routing, f"/v1/cases/{cid}",
                             lambda c: c["required_role"] == "manager" and c["agent_id"], what="case with a manager")
    assert (case["agent_id"], case["team_id"], case["escalation_level"]) == ("demo-maria", "demo-emergency", 2)
    await work_the_case(platform, cid, case["agent_id"])
    await answer_survey(platform, number, verification, language="zh")
    view = await closed_everywhere(platform, cid, number, verification)
    assert view["status_text"] == "已办结" and view["escalation"]["escalated_at"] is not None
    assert [s["kind"] for s in view["history"]] == ["received", "assigned", "escalated", "assigned", "reply",
                                                    "resolved", "survey", "closed"]
    await check_the_record(platform, cid, UNTIL_ASSIGNED + ESCALATED + WORKED_AND_CLOSED)
