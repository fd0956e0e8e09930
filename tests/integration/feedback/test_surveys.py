"""Surveys through the real broker and database: a resolved complaint gets exactly one survey, in the customer's
language, and answering it emits feedback.received and acts on the follow-up rules."""

from uuid import uuid4

from services.feedback.evaluations.models import Evaluation
from services.feedback.followups.models import FollowUpTask
from services.feedback.surveys.models import Survey
from shared.contracts.complaint import ComplaintCloseRequestedV1, ComplaintReopenRequestedV1
from shared.contracts.feedback import TOPIC as FEEDBACK_TOPIC
from shared.contracts.feedback import FeedbackReceivedV1, SurveyRequestedV1
from shared.messaging.tables import inbox
from tests.integration.feedback.builders import a_received, a_resolved, token_of
from tests.support import all_messages, header_value, produce_event, started_producer, unique, wait_until

GOOD = {"csat": 5, "solved": True, "nps": 9, "ces": 6, "dimensions": {"attitude": 5, "expertise": 4},
        "comment": "Quick and kind, call me on 13800138000 if needed"}


async def surveyed(event_log, broker, **received_fields):
    """A complaint received and resolved on the broker, and the survey.requested it led to."""
    received = a_received(**received_fields)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received)
        await produce_event(producer, a_resolved(received.complaint_id))
    [request] = await event_log.wait_for(received.complaint_id, SurveyRequestedV1)
    return received.complaint_id, request


async def handled(feedback, event_id) -> None:
    await wait_until(lambda: feedback.count(inbox, inbox.c.event_id == str(event_id)), what=f"{event_id} handled")


async def test_a_resolved_complaint_gets_exactly_one_survey_even_when_resolved_comes_again(feedback, event_log,
                                                                                            broker):
    received = a_received(locale="zh-CN", language="zh")
    resolved, first_id, second_id = a_resolved(received.complaint_id), uuid4(), uuid4()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received)
        await produce_event(producer, resolved, ce_id=first_id)
        [request] = await event_log.wait_for(received.complaint_id, SurveyRequestedV1)
        await produce_event(producer, resolved, ce_id=first_id)  # redelivered
        await produce_event(producer, a_resolved(received.complaint_id), ce_id=second_id)  # resolved again
    assert request.language == "zh" and not request.reminder
    assert request.survey_url.startswith("http://survey.test/s/")
    await handled(feedback, second_id)
    assert await feedback.count(Survey, Survey.complaint_id == received.complaint_id) == 1
    await wait_until(lambda: _drained(feedback), what="outbox drained")
    on_broker = [m for m in await all_messages(broker.bootstrap, FEEDBACK_TOPIC)
                 if m.key == str(received.complaint_id).encode()
                 and header_value(m, "ce_type") == SurveyRequestedV1.ce_type]
    assert len(on_broker) == 1


async def _drained(feedback) -> bool:
    return await feedback.unsent() == 0


async def test_a_survey_for_an_unseen_complaint_is_in_the_default_language(feedback, event_log, broker):
    complaint_id = uuid4()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, a_resolved(complaint_id))
    [request] = await event_log.wait_for(complaint_id, SurveyRequestedV1)
    assert request.language == "zh"


async def test_a_satisfied_answer_emits_feedback_and_asks_to_close(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    token = token_of(request.survey_url)
    survey = await feedback.client.get(f"/v1/surveys/{token}")
    assert survey.status_code == 200
    assert survey.json()["state"] == "sent" and survey.json()["language"] == "en"
    assert [q["id"] for q in survey.json()["questions"]][:4] == ["csat", "solved", "nps", "ces"]
    answered = await feedback.client.post(f"/v1/surveys/{token}/answers", json=GOOD)
    assert answered.status_code == 201, answered.text
    [received] = await event_log.wait_for(complaint_id, FeedbackReceivedV1)
    assert (received.csat, received.solved, received.nps, received.ces, received.method) == (5, True, 9, 6, "survey")
    assert received.dimensions == {"attitude": 5, "expertise": 4}
    assert "13800138000" not in received.comment and "[phone]" in received.comment
    [close] = await event_log.wait_for(complaint_id, ComplaintCloseRequestedV1)
    assert close.reason == "accepted"
    assert (await feedback.client.get(f"/v1/surveys/{token}")).json()["state"] == "answered"


async def test_a_low_score_opens_a_follow_up_task_whose_acceptance_closes(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    answer = {**GOOD, "csat": 2, "comment": None}
    assert (await feedback.client.post(f"/v1/surveys/{token_of(request.survey_url)}/answers",
                                       json=answer)).status_code == 201
    await event_log.wait_for(complaint_id, FeedbackReceivedV1)
    tasks = (await feedback.client.get("/v1/follow-ups", params={"complaint_id": str(complaint_id)})).json()
    [task] = tasks["items"]
    assert (task["status"], task["reasons"]) == ("open", ["csat_at_most:2"])
    assigned = await feedback.client.post(f"/v1/follow-ups/{task['id']}/assignment", json={"assignee": "lin"})
    assert assigned.json()["status"] == "assigned"
    mine = (await feedback.client.get("/v1/follow-ups", params={"assignee": "lin", "status": "assigned"})).json()
    assert task["id"] in [t["id"] for t in mine["items"]]
    missed = await feedback.client.post(f"/v1/follow-ups/{task['id']}/outcome", json={"reached": False})
    assert (missed.json()["status"], missed.json()["attempts"]) == ("assigned", 1)
    done = await feedback.client.post(f"/v1/follow-ups/{task['id']}/outcome",
                                      json={"reached": True, "accepted": True, "notes": "refund confirmed"})
    assert (done.json()["status"], done.json()["accepted"]) == ("done", True)
    [close] = await event_log.wait_for(complaint_id, ComplaintCloseRequestedV1)
    assert close.reason == "accepted"
    again = await feedback.client.post(f"/v1/follow-ups/{task['id']}/outcome", json={"reached": True,
                                                                                     "accepted": False})
    assert again.status_code == 409
    assert event_log.of(complaint_id, ComplaintReopenRequestedV1) == []


async def test_rejecting_in_a_follow_up_asks_to_reopen(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    await feedback.client.post(f"/v1/surveys/{token_of(request.survey_url)}/answers",
                               json={**GOOD, "nps": 3})
    task = await wait_until(lambda: _task_of(feedback, complaint_id), what="a follow-up task")
    outcome = await feedback.client.post(f"/v1/follow-ups/{task['id']}/outcome",
                                         json={"reached": True, "accepted": False})
    assert outcome.status_code == 200
    [reopen] = await event_log.wait_for(complaint_id, ComplaintReopenRequestedV1)
    assert "follow-up" in reopen.reason


async def _task_of(feedback, complaint_id):
    items = (await feedback.client.get("/v1/follow-ups", params={"complaint_id": str(complaint_id)})).json()["items"]
    return items[0] if items else None


async def test_an_unsolved_problem_asks_to_reopen_and_a_new_resolution_gets_a_new_survey(feedback, event_log,
                                                                                         broker):
    complaint_id, request = await surveyed(event_log, broker)
    await feedback.client.post(f"/v1/surveys/{token_of(request.survey_url)}/answers",
                               json={"csat": 3, "solved": False})
    [reopen] = await event_log.wait_for(complaint_id, ComplaintReopenRequestedV1)
    assert "unsolved" in reopen.reason
    assert await feedback.count(FollowUpTask, FollowUpTask.complaint_id == complaint_id) == 0
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, a_resolved(complaint_id, resolution="Refund sent again"))
    first, second = await event_log.wait_for(complaint_id, SurveyRequestedV1, count=2)
    assert first.survey_url != second.survey_url
    assert event_log.of(complaint_id, ComplaintCloseRequestedV1) == []
    assert await feedback.count(Evaluation, Evaluation.complaint_id == complaint_id) == 1


async def test_an_answer_updates_the_kpis(feedback, event_log, broker):
    region = unique("region-")
    received = a_received().model_copy(update={"region": region})
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, received)
        await produce_event(producer, a_resolved(received.complaint_id))
    [request] = await event_log.wait_for(received.complaint_id, SurveyRequestedV1)
    answered = await feedback.client.post(f"/v1/surveys/{token_of(request.survey_url)}/answers", json=GOOD)
    assert answered.status_code == 201, answered.text

    async def answered_in_kpis() -> dict | None:
        response = await feedback.client.get("/v1/kpis", params={"region": region})
        assert response.status_code == 200, response.text
        total = response.json()["total"]
        return total if total["answers"] == 1 else None

    total = await wait_until(answered_in_kpis, within=60, what="the answer in the KPIs")
    assert (total["volume"], total["resolved"], total["surveys_sent"], total["survey_response_rate"]) == (1, 1, 1, 1.0)
    assert (total["csat_mean"], total["nps"], total["ces_mean"], total["resolution_satisfaction"]) == (5.0, 100.0,
                                                                                                      6.0, 1.0)
    assert (total["dimension_attitude_mean"], total["dimension_expertise_mean"], total["weakest_dimension"]) == (
        5.0, 4.0, "expertise")
