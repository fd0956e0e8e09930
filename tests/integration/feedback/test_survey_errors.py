"""Bad survey input through HTTP: forged, expired and reused links and out-of-range scores get clear errors
(problem+json from the API, a page saying so from /s/{token}) and store nothing."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.feedback.evaluations.models import Evaluation
from services.feedback.surveys import tokens
from services.feedback.surveys.models import Survey
from shared.contracts.feedback import FeedbackReceivedV1
from tests.integration.feedback.builders import token_of
from tests.integration.feedback.test_surveys import GOOD, surveyed

PROBLEM = "application/problem+json"


async def evaluations_of(feedback, complaint_id) -> int:
    return await feedback.count(Evaluation, Evaluation.complaint_id == complaint_id)


@pytest.mark.parametrize("token", ["nonsense", "A" * 75])
async def test_a_forged_link_is_not_found(feedback, token):
    api = await feedback.client.post(f"/v1/surveys/{token}/answers", json=GOOD)
    assert (api.status_code, api.headers["content-type"]) == (404, PROBLEM)
    assert (await feedback.client.get(f"/v1/surveys/{token}")).status_code == 404
    page = await feedback.client.get(f"/s/{token}")
    assert page.status_code == 404 and "Survey not found" in page.text and "未找到调查" in page.text
    assert (await feedback.client.post(f"/s/{token}", data={"csat": "5", "solved": "yes"})).status_code == 404
    assert await feedback.count(Evaluation) == 0


async def test_a_link_signed_with_another_key_is_not_found(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    survey_id = tokens.verify(token_of(request.survey_url), secret="integration-test-secret",
                              now=datetime.now(UTC))
    forged = tokens.sign(survey_id, request.expires_at, secret="guessed")
    assert (await feedback.client.post(f"/v1/surveys/{forged}/answers", json=GOOD)).status_code == 404
    assert await evaluations_of(feedback, complaint_id) == 0


async def test_an_expired_link_is_gone(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    survey_id = tokens.verify(token_of(request.survey_url), secret="integration-test-secret",
                              now=datetime.now(UTC))
    expired = tokens.sign(survey_id, datetime.now(UTC) - timedelta(seconds=1), secret="integration-test-secret")
    api = await feedback.client.post(f"/v1/surveys/{expired}/answers", json=GOOD)
    assert (api.status_code, api.headers["content-type"]) == (410, PROBLEM)
    assert "expired" in api.json()["detail"]
    page = await feedback.client.get(f"/s/{expired}")
    assert page.status_code == 410 and "This survey has closed" in page.text
    assert await evaluations_of(feedback, complaint_id) == 0


async def test_a_second_answer_is_refused_and_changes_nothing(feedback, event_log, broker):
    complaint_id, request = await surveyed(event_log, broker)
    token = token_of(request.survey_url)
    assert (await feedback.client.post(f"/v1/surveys/{token}/answers", json=GOOD)).status_code == 201
    again = await feedback.client.post(f"/v1/surveys/{token}/answers", json={**GOOD, "csat": 1})
    assert (again.status_code, again.headers["content-type"]) == (409, PROBLEM)
    page = await feedback.client.get(f"/s/{token}")
    assert page.status_code == 409 and "Already answered" in page.text
    assert (await feedback.client.post(f"/s/{token}", data={"csat": "1", "solved": "no"})).status_code == 409
    assert await evaluations_of(feedback, complaint_id) == 1
    [received] = await event_log.wait_for(complaint_id, FeedbackReceivedV1)
    assert received.csat == 5


@pytest.mark.parametrize("answer", [
    {**GOOD, "csat": 6}, {**GOOD, "nps": 11}, {**GOOD, "ces": 0}, {**GOOD, "dimensions": {"attitude": 9}},
    {**GOOD, "dimensions": {"mood": 3}}, {"solved": True}, {**GOOD, "csat": "five"}])
async def test_out_of_range_scores_are_refused_and_store_nothing(feedback, event_log, broker, answer):
    complaint_id, request = await surveyed(event_log, broker)
    token = token_of(request.survey_url)
    response = await feedback.client.post(f"/v1/surveys/{token}/answers", json=answer)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
    page = await feedback.client.post(f"/s/{token}", data={"csat": "9", "solved": "yes"})
    assert page.status_code == 422 and 'aria-invalid="true"' in page.text
    assert await evaluations_of(feedback, complaint_id) == 0
    assert await feedback.count(Survey, Survey.complaint_id == complaint_id, Survey.state == "sent") == 1
    assert (await feedback.client.post(f"/v1/surveys/{token}/answers", json=GOOD)).status_code == 201


async def test_an_unknown_survey_id_with_a_genuine_signature_is_not_found(feedback):
    token = tokens.sign(uuid4(), datetime.now(UTC) + timedelta(days=1), secret="integration-test-secret")
    assert (await feedback.client.get(f"/v1/surveys/{token}")).status_code == 404
