"""Duplicates are kept as their own records linked to the earlier complaint; a customer's new complaint after a
recent one is a repeat."""

import asyncio
from uuid import uuid4

from tests.integration.intake.builders import a_submission
from tests.integration.intake.test_submit import received_events

RECEIVED, REPLIED = b"redress.complaint.received.v1", b"redress.complaint.customer-replied.v1"


def retyped_of(customer_id: str) -> dict:
    return a_submission(customer={"id": customer_id}, subject="charged TWICE for one order!!",
                        description="I was billed twice for order 88232 last week.  Call me on +1 415 555 0100 "
                                    "or write to ann.lee@example.com; my card 4111 1111 1111 1111 shows both "
                                    "charges")


async def listed(intake, **params) -> list[str]:
    response = await intake.client.get("/v1/complaints", params=params)
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["items"]]


async def test_a_near_identical_complaint_is_stored_linked_to_the_earlier_one(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    assert first["submission_id"] == first["id"]
    customer = await _customer_of(intake, first["id"])
    linked = await intake.client.post("/v1/complaints", json=retyped_of(customer))
    assert linked.status_code == 200, linked.text
    answer = linked.json()
    assert (answer["id"], answer["tracking_number"]) == (first["id"], first["tracking_number"])
    assert answer["duplicate_of"] == first["id"]
    assert answer["submission_id"] not in (None, first["id"])

    stored = (await intake.client.get(f"/v1/complaints/{answer['submission_id']}")).json()
    assert (stored["status"], stored["duplicate_of"]) == ("linked", first["id"])
    assert stored["tracking_number"] != first["tracking_number"]
    assert stored["description"].startswith("I was billed twice for order 88232")

    assert await listed(intake, customer_id=customer) == [first["id"]]
    assert await listed(intake, duplicate_of=first["id"]) == [answer["submission_id"]]
    assert await listed(intake, customer_id=customer, linked="true") == [answer["submission_id"]]
    assert await listed(intake, customer_id=customer, linked="all") == [answer["submission_id"], first["id"]]
    assert await listed(intake, duplicate_of=first["id"], linked="false") == []
    assert (await intake.client.get("/v1/complaints", params={"linked": "maybe"})).status_code == 422


async def test_the_linked_submission_joins_the_history_and_tells_the_case_once(intake, broker):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    linked = (await intake.client.post("/v1/complaints", json=retyped_of(await _customer_of(intake, first["id"])))
              ).json()
    tracked = await intake.client.get(f"/v1/track/{first['tracking_number']}",
                                      params={"verification": "ann.lee@example.com"})
    steps = tracked.json()["history"]
    assert [s["kind"] for s in steps] == ["received", "customer_reply"]
    assert "order 88232" in steps[1]["text"]

    events = await received_events(broker.bootstrap, first["id"], types=(RECEIVED, REPLIED))
    assert sorted(headers["ce_type"] for headers, _ in events) == [REPLIED, RECEIVED]
    replied = next(data for headers, data in events if headers["ce_type"] == REPLIED)
    assert "order 88232" in replied["message"]
    assert "ann.lee@example.com" not in replied["message"] and "4111 1111 1111 1111" not in replied["message"]
    assert await received_events(broker.bootstrap, linked["submission_id"], within=2, types=(RECEIVED, REPLIED)) == []

    stored = (await intake.client.get(f"/v1/complaints/{linked['submission_id']}")).json()
    by_own_number = await intake.client.get(f"/v1/track/{stored['tracking_number']}",
                                            params={"verification": "0100"})
    assert by_own_number.json()["tracking_number"] == first["tracking_number"]


async def test_after_a_withdrawal_the_same_words_open_a_new_complaint(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    withdrawn = await intake.client.post(f"/v1/track/{first['tracking_number']}/withdrawal",
                                         json={"verification": "ann.lee@example.com"})
    assert withdrawn.status_code == 204
    again = await intake.client.post("/v1/complaints", json=retyped_of(await _customer_of(intake, first["id"])))
    assert again.status_code == 201, again.text
    assert (again.json()["duplicate_of"], again.json()["repeat"]) == (None, True)


async def test_an_idempotent_retry_of_a_linked_submission_stores_nothing_more(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    body, headers = retyped_of(await _customer_of(intake, first["id"])), {"Idempotency-Key": uuid4().hex}
    once = await intake.client.post("/v1/complaints", json=body, headers=headers)
    twice = await intake.client.post("/v1/complaints", json=body, headers=headers)
    assert once.status_code == twice.status_code == 200
    assert twice.headers["Idempotency-Replayed"] == "true"
    assert twice.json() == once.json()
    assert await listed(intake, duplicate_of=first["id"]) == [once.json()["submission_id"]]


async def test_another_complaint_of_the_same_customer_is_a_repeat(intake):
    first = (await intake.client.post("/v1/complaints", json=a_submission())).json()
    assert first["repeat"] is False
    customer = await _customer_of(intake, first["id"])
    second = await intake.client.post("/v1/complaints", json=a_submission(
        customer={"id": customer}, subject="The refund never came", description="Still no refund after a month."))
    assert second.status_code == 201
    assert second.json()["repeat"] is True
    assert second.json()["duplicate_of"] is None


async def _customer_of(intake, complaint_id: str) -> str:
    return (await intake.client.get(f"/v1/complaints/{complaint_id}")).json()["customer"]["id"]


async def test_concurrent_near_identical_submissions_file_one_complaint_and_link_the_rest(intake):
    customer = f"cust-{uuid4().hex[:10]}"
    bodies = [retyped_of(customer) | {"external_ref": f"try-{n}"} for n in range(20)]
    answers = await asyncio.gather(*(intake.client.post("/v1/complaints", json=body) for body in bodies))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 19 + [201], [a.text for a in answers if a.status_code not in (200, 201)]
    [filed] = [a.json() for a in answers if a.status_code == 201]
    assert {a.json()["duplicate_of"] for a in answers if a.status_code == 200} == {filed["id"]}
    assert len(await listed(intake, duplicate_of=filed["id"], limit=50)) == 19
    assert await listed(intake, customer_id=customer) == [filed["id"]]
