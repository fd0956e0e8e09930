"""The customer's own view: tracking with verification, replies and withdrawal."""

import pytest

from services.intake.tracking import new_tracking_number
from tests.integration.intake.builders import a_submission
from tests.integration.intake.test_submit import received_events


async def filed(intake, **overrides) -> dict:
    response = await intake.client.post("/v1/complaints", json=a_submission(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("verification", ["ann.lee@example.com", "ANN.LEE@example.com", "0100"])
async def test_the_customer_sees_status_and_history_once_verified(intake, verification):
    ack = await filed(intake)
    sloppy = ack["tracking_number"].lower().replace("-", " ")
    view = await intake.client.get(f"/v1/track/{sloppy}", params={"verification": verification})
    assert view.status_code == 200, view.text
    body = view.json()
    assert (body["tracking_number"], body["status"]) == (ack["tracking_number"], "received")
    assert [step["kind"] for step in body["history"]] == ["received"]
    assert "customer" not in body


@pytest.mark.parametrize("verification", ["someone@example.com", "9999", "01"])
async def test_a_wrong_verification_and_an_unknown_number_get_the_same_answer(intake, verification):
    ack = await filed(intake)
    wrong = await intake.client.get(f"/v1/track/{ack['tracking_number']}", params={"verification": verification})
    unknown = await intake.client.get(f"/v1/track/{new_tracking_number()}", params={"verification": "0100"})
    assert unknown.status_code == 404
    assert wrong.status_code in (404, 422)
    if wrong.status_code == 404:
        assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"] == "application/problem+json"


async def test_a_garbled_tracking_number_is_a_clear_error(intake):
    response = await intake.client.get("/v1/track/RD-UUUU", params={"verification": "0100"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_customer_reply_is_kept_and_announced_masked(intake, broker):
    ack = await filed(intake)
    number = ack["tracking_number"]
    reply = await intake.client.post(f"/v1/track/{number}/replies",
                                     json={"verification": "0100", "message": "New number: 13812345678"})
    assert reply.status_code == 204, reply.text
    view = (await intake.client.get(f"/v1/track/{number}", params={"verification": "0100"})).json()
    assert [s["kind"] for s in view["history"]] == ["received", "customer_reply"]
    events = await received_events(broker.bootstrap, ack["id"], types=(b"redress.complaint.customer-replied.v1",))
    assert len(events) == 1
    assert "13812345678" not in events[0][1]["message"]


async def test_a_withdrawn_complaint_takes_no_more_replies(intake):
    number = (await filed(intake))["tracking_number"]
    withdrawal = await intake.client.post(f"/v1/track/{number}/withdrawal",
                                          json={"verification": "ann.lee@example.com", "reason": "sorted out"})
    assert withdrawal.status_code == 204, withdrawal.text
    view = (await intake.client.get(f"/v1/track/{number}", params={"verification": "0100"})).json()
    assert view["status"] == "withdrawn"
    again = await intake.client.post(f"/v1/track/{number}/withdrawal", json={"verification": "0100"})
    assert again.status_code == 409
    late = await intake.client.post(f"/v1/track/{number}/replies", json={"verification": "0100", "message": "hi"})
    assert late.status_code == 409
    assert late.headers["content-type"] == "application/problem+json"
