"""Retries from frontends never create two complaints."""

import asyncio
from uuid import uuid4

from tests.integration.intake.builders import a_submission


async def count_for(intake, customer_id: str) -> int:
    return len((await intake.client.get("/v1/complaints", params={"customer_id": customer_id})).json()["items"])


async def test_a_retry_with_the_same_key_and_body_gets_the_first_answer(intake):
    body, key = a_submission(), uuid4().hex
    first = await intake.client.post("/v1/complaints", json=body, headers={"Idempotency-Key": key})
    again = await intake.client.post("/v1/complaints", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert await count_for(intake, body["customer"]["id"]) == 1


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing(intake):
    body, key = a_submission(), uuid4().hex
    await intake.client.post("/v1/complaints", json=body, headers={"Idempotency-Key": key})
    other = a_submission(customer=body["customer"], subject="Something else entirely", description="A new matter.")
    refused = await intake.client.post("/v1/complaints", json=other, headers={"Idempotency-Key": key})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "different request body" in refused.json()["detail"]
    assert await count_for(intake, body["customer"]["id"]) == 1


async def test_fifty_concurrent_identical_requests_create_one_complaint(intake):
    body, key = a_submission(), uuid4().hex
    responses = await asyncio.gather(*(
        intake.client.post("/v1/complaints", json=body, headers={"Idempotency-Key": key}) for _ in range(50)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await count_for(intake, body["customer"]["id"]) == 1
