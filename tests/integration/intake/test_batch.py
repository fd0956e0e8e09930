"""POST /v1/complaints:batch: each item filed on its own, as a single submission would be."""

from uuid import uuid4

from tests.integration.intake.builders import a_submission

BATCH = "/v1/complaints:batch"


async def complaints_of(intake, customer_id: str) -> list[dict]:
    return (await intake.client.get("/v1/complaints", params={"customer_id": customer_id})).json()["items"]


def an_item(complaint: dict, key: str | None = None) -> dict:
    return {"idempotency_key": key or uuid4().hex, "complaint": complaint}


async def test_a_mixed_batch_answers_each_item_in_order(intake):
    good, other = a_submission(), a_submission(subject="Parcel never arrived", description="Order 12 is missing.")
    invalid = a_submission(customer={"email": "not-an-address"})
    items = [an_item(good), an_item(invalid), an_item(dict(good)), an_item(other), {"complaint": "nonsense"}]
    response = await intake.client.post(BATCH, json={"items": items})
    assert response.status_code == 200
    answer = response.json()
    assert [r["index"] for r in answer["results"]] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in answer["results"]] == [201, 422, 200, 201, 422]
    first, bad, duplicate = answer["results"][:3]
    assert duplicate["acknowledgement"]["duplicate_of"] == first["acknowledgement"]["id"]
    assert bad["acknowledgement"] is None
    assert bad["problem"]["errors"][0]["loc"] == ["complaint", "customer", "email"]
    assert "not-an-address" not in response.text
    assert (answer["accepted"], answer["linked"], answer["rejected"]) == (2, 1, 2)
    assert len(await complaints_of(intake, good["customer"]["id"])) == 1  # the duplicate only links to it


async def test_retrying_a_whole_batch_gives_the_same_results_and_files_nothing_new(intake):
    good = a_submission()
    items = [an_item(good), an_item(a_submission(subject="")), an_item(dict(good))]
    first = await intake.client.post(BATCH, json={"items": items})
    again = await intake.client.post(BATCH, json={"items": items})
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert len(await complaints_of(intake, good["customer"]["id"])) == 1


async def test_an_idempotency_key_reused_for_another_complaint_fails_that_item_alone(intake):
    key = uuid4().hex
    items = [an_item(a_submission(), key), an_item(a_submission(), key), an_item(a_submission())]
    answer = (await intake.client.post(BATCH, json={"items": items})).json()
    assert [r["status"] for r in answer["results"]] == [201, 422, 201]
    assert "different request body" in answer["results"][1]["problem"]["detail"]


async def test_more_than_500_items_are_refused_as_a_whole(intake):
    customer = a_submission()["customer"]
    items = [an_item(a_submission(customer=customer)) for _ in range(501)]
    response = await intake.client.post(BATCH, json={"items": items})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert await complaints_of(intake, customer["id"]) == []


async def test_an_empty_batch_and_a_non_json_body_are_refused(intake):
    assert (await intake.client.post(BATCH, json={"items": []})).status_code == 422
    refused = await intake.client.post(BATCH, content=b"items", headers={"content-type": "text/plain"})
    assert refused.status_code == 415


async def test_the_batch_route_is_not_taken_for_a_complaint_id(intake):
    response = await intake.client.post(BATCH, json={"items": [an_item(a_submission())]})
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert (await intake.client.get(BATCH)).status_code == 405


async def test_a_batch_may_be_larger_than_one_complaint_may(intake):
    text = "x" * 15_000
    items = [an_item(a_submission(description=f"{text} {n}")) for n in range(80)]  # > 1 MiB in all
    response = await intake.client.post(BATCH, json={"items": items})
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 80
    single = await intake.client.post("/v1/complaints", json={**a_submission(), "remedy_sought": "y" * 1_100_000})
    assert single.status_code == 413
