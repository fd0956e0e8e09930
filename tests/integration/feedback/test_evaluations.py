"""Other evaluation methods through HTTP: each records a scorecard and emits feedback.received with its method
(QA samples and the reviews of sampled cases: test_qa_samples)."""

from uuid import uuid4

import pytest

from services.feedback.evaluations.models import Evaluation
from shared.contracts.feedback import FeedbackReceivedV1
from tests.integration.feedback.builders import a_received
from tests.support import produce_event, started_producer, unique, wait_until

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("method", ["follow_up_call", "interview", "mystery_customer", "qa_review"])
async def test_each_method_records_a_scorecard_and_emits_feedback(feedback, event_log, method):
    complaint_id = uuid4()
    body = {"complaint_id": str(complaint_id), "method": method, "evaluator": "qa-zhang", "csat": 3,
            "dimensions": {"response_speed": 2, "attitude": 5, "expertise": 4, "problem_solving": 3,
                           "communication": 4}, "comment": "回复太慢了，但态度很好"}
    response = await feedback.client.post("/v1/evaluations", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["sentiment"] is not None
    [received] = await event_log.wait_for(complaint_id, FeedbackReceivedV1)
    assert (received.method, received.csat, received.dimensions["response_speed"]) == (method, 3, 2)
    listed = (await feedback.client.get(f"/v1/complaints/{complaint_id}/evaluations")).json()
    assert [(e["method"], e["evaluator"]) for e in listed] == [(method, "qa-zhang")]


@pytest.mark.parametrize("change", [{"method": "survey"}, {"method": "gossip"}, {"csat": 0},
                                    {"dimensions": {"attitude": 6}}, {"evaluator": ""}, {"nps": 11}])
async def test_bad_evaluations_are_refused_and_store_nothing(feedback, change):
    body = {"complaint_id": str(uuid4()), "method": "qa_review", "evaluator": "qa", "csat": 4, **change}
    response = await feedback.client.post("/v1/evaluations", json=body)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
    assert await feedback.count(Evaluation) == 0


async def test_the_scores_by_dimension_reach_the_kpis(feedback, broker):
    region = unique("region-")
    complaint = a_received().model_copy(update={"region": region})
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, complaint)
    scorecards = [("qa_review", {"response_speed": 2, "attitude": 4}), ("interview", {"response_speed": 3,
                                                                                       "expertise": 5})]
    for method, dimensions in scorecards:
        body = {"complaint_id": str(complaint.complaint_id), "method": method, "evaluator": "qa", "csat": 3,
                "dimensions": dimensions}
        assert (await feedback.client.post("/v1/evaluations", json=body)).status_code == 201

    async def scored() -> dict | None:
        response = await feedback.client.get("/v1/kpis", params={"region": region})
        assert response.status_code == 200, response.text
        total = response.json()["total"]
        return total if total["dimension_response_speed_responses"] == 2 else None

    total = await wait_until(scored, within=60, what="both scorecards in the KPIs")
    assert (total["dimension_response_speed_mean"], total["dimension_attitude_mean"],
            total["dimension_expertise_mean"], total["dimension_communication_mean"]) == (2.5, 4.0, 5.0, None)
    assert (total["weakest_dimension"], total["answers"]) == ("response_speed", 2)
