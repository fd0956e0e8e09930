"""QA samples through HTTP: each draw is stored (cases, period, rule, seed, who, when), listed page by page, never
draws a resolution twice, and each sampled case takes one QA review linked to it."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from services.feedback.cases.models import FeedbackCase
from services.feedback.evaluations.models import Evaluation
from services.feedback.qa.domain import draw as rule
from services.feedback.qa.models import QaSample
from shared.contracts.feedback import FeedbackReceivedV1
from tests.integration.feedback.builders import a_resolved
from tests.support import produce_event, started_producer, unique, wait_until

PROBLEM = "application/problem+json"


async def resolved_cases(feedback, broker, count: int) -> tuple[dict, list]:
    """`count` cases resolved within the next minutes (and one two days before), once feedback knows them all."""
    start = datetime.now(UTC)
    resolved = [a_resolved(uuid4(), occurred_at=start + timedelta(seconds=i)) for i in range(count)]
    async with started_producer(broker.bootstrap) as producer:
        for event in [*resolved, a_resolved(uuid4(), occurred_at=start - timedelta(days=2))]:
            await produce_event(producer, event)
    period = {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    await wait_until(lambda: _known(feedback, [e.complaint_id for e in resolved]), what=f"{count} resolved cases")
    return period, resolved


async def _known(feedback, ids) -> bool:
    return await feedback.count(FeedbackCase, FeedbackCase.complaint_id.in_(ids),
                                FeedbackCase.resolved_at.is_not(None)) == len(ids)


async def draw(feedback, body) -> dict:
    response = await feedback.client.post("/v1/qa-samples", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_sample_is_stored_and_never_draws_a_case_twice(feedback, broker):
    period, resolved = await resolved_cases(feedback, broker, 6)
    drawer = unique("qa-lead-")
    first = await draw(feedback, {**period, "size": 4, "seed": 7, "drawn_by": drawer})
    assert (first["requested_size"], first["size"], first["seed"], first["drawn_by"]) == (4, 4, 7, drawer)
    assert first["rule"].startswith("uniform-v1") and first["drawn_at"]
    assert [c["position"] for c in first["cases"]] == [1, 2, 3, 4]
    assert {c["team_id"] for c in first["cases"]} == {"billing"}
    # the rest of the period: only the two cases the first draw left, whatever the seed
    second = await draw(feedback, {**period, "size": 4, "seed": 7, "drawn_by": drawer})
    ids = {e.complaint_id for e in resolved}
    first_ids, second_ids = ({c["complaint_id"] for c in s["cases"]} for s in (first, second))
    assert second["size"] == 2 and first_ids.isdisjoint(second_ids) and first_ids | second_ids == {str(i) for i in ids}
    assert (await draw(feedback, {**period, "size": 4, "drawn_by": drawer}))["size"] == 0
    stored = await feedback.client.get(f"/v1/qa-samples/{first['id']}")
    assert stored.status_code == 200 and stored.json() == first


async def test_a_seeded_draw_can_be_checked_against_its_rule(feedback, broker):
    period, resolved = await resolved_cases(feedback, broker, 5)
    sample = await draw(feedback, {**period, "size": 3, "drawn_by": "qa"})   # no seed given: one is chosen
    eligible = sorted(str(e.complaint_id) for e in resolved)
    assert [c["complaint_id"] for c in sample["cases"]] == rule(eligible, size=3, seed=sample["seed"])


async def test_samples_are_listed_newest_first_page_by_page(feedback, broker):
    period, _ = await resolved_cases(feedback, broker, 3)
    drawer = unique("qa-")
    drawn = [await draw(feedback, {**period, "size": 1, "drawn_by": drawer}) for _ in range(3)]
    pages = []
    for offset in (0, 2, 4):
        response = await feedback.client.get("/v1/qa-samples", params={"drawn_by": drawer, "limit": 2,
                                                                        "offset": offset})
        assert response.status_code == 200, response.text
        assert (response.json()["limit"], response.json()["offset"]) == (2, offset)
        pages.append([s["id"] for s in response.json()["items"]])
    assert pages == [[drawn[2]["id"], drawn[1]["id"]], [drawn[0]["id"]], []]
    listed = (await feedback.client.get("/v1/qa-samples", params={"drawn_by": drawer})).json()["items"]
    assert [(s["size"], s["reviewed"], s["drawn_by"]) for s in listed] == [(1, 0, drawer)] * 3


async def test_a_sampled_case_takes_one_review_linked_to_it(feedback, broker, event_log):
    period, _ = await resolved_cases(feedback, broker, 2)
    sample = await draw(feedback, {**period, "size": 2, "drawn_by": "qa-lead"})
    case = sample["cases"][0]["complaint_id"]
    review = {"evaluator": "qa-wang", "csat": 2, "dimensions": {"expertise": 2, "communication": 3},
              "comment": "wrong tariff explained"}
    url = f"/v1/qa-samples/{sample['id']}/cases/{case}/review"
    response = await feedback.client.post(url, json=review)
    assert response.status_code == 201, response.text
    evaluation = response.json()
    assert (evaluation["method"], evaluation["complaint_id"], evaluation["evaluator"]) == ("qa_review", case, "qa-wang")
    [received] = await event_log.wait_for(UUID(case), FeedbackReceivedV1)
    assert (received.method, received.dimensions) == ("qa_review", {"expertise": 2, "communication": 3})
    stored = (await feedback.client.get(f"/v1/qa-samples/{sample['id']}")).json()
    reviewed = next(c for c in stored["cases"] if c["complaint_id"] == case)
    assert reviewed["evaluation_id"] == evaluation["id"] and reviewed["reviewed_at"]
    again = await feedback.client.post(url, json=review)
    assert (again.status_code, again.headers["content-type"]) == (409, PROBLEM)
    assert await feedback.count(Evaluation, Evaluation.complaint_id == UUID(case)) == 1
    listed = (await feedback.client.get("/v1/qa-samples", params={"drawn_by": "qa-lead", "limit": 500})).json()
    assert next(s for s in listed["items"] if s["id"] == sample["id"])["reviewed"] == 1


@pytest.mark.parametrize("body", [
    {"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z", "size": 3, "drawn_by": "qa"},
    {"start": "2026-01-01T00:00:00", "end": "2026-01-02T00:00:00", "size": 3, "drawn_by": "qa"},
    {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "size": 0, "drawn_by": "qa"},
    {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "size": 3},
    {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "size": 3, "drawn_by": ""},
    {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "size": 3, "drawn_by": "qa", "seed": -1},
])
async def test_a_bad_sample_request_is_refused_and_stores_nothing(feedback, body):
    response = await feedback.client.post("/v1/qa-samples", json=body)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
    assert await feedback.count(QaSample) == 0


async def test_a_review_outside_a_sample_is_refused(feedback, broker):
    period, _ = await resolved_cases(feedback, broker, 1)
    sample = await draw(feedback, {**period, "size": 1, "drawn_by": "qa"})
    review = {"evaluator": "qa", "csat": 4}
    for url in (f"/v1/qa-samples/{uuid4()}/cases/{sample['cases'][0]['complaint_id']}/review",
                f"/v1/qa-samples/{sample['id']}/cases/{uuid4()}/review"):
        response = await feedback.client.post(url, json=review)
        assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)
    bad = await feedback.client.post(f"/v1/qa-samples/{sample['id']}/cases/{sample['cases'][0]['complaint_id']}"
                                     "/review", json={"evaluator": "qa", "dimensions": {"attitude": 9}})
    assert bad.status_code == 422
    assert await feedback.count(Evaluation) == 0
    assert (await feedback.client.get(f"/v1/qa-samples/{uuid4()}")).status_code == 404
