"""The customer asks for escalation: announced on the topic (masked), shown in the history, not too often."""

from datetime import UTC, datetime
from uuid import UUID

from shared.contracts.complaint import ComplaintStatusChangedV1, Status
from tests.integration.intake.builders import a_submission
from tests.integration.intake.test_submit import received_events
from tests.support import produce_event, started_producer, wait_until

ESCALATION_REQUESTED = b"redress.complaint.escalation-requested.v1"


async def filed(intake) -> dict:
    response = await intake.client.post("/v1/complaints", json=a_submission())
    assert response.status_code == 201, response.text
    return response.json()


async def ask(intake, number: str, reason: str = "Nobody has answered for a week."):
    return await intake.client.post(f"/v1/track/{number}/escalation",
                                    json={"verification": "ann.lee@example.com", "reason": reason})


async def test_the_request_is_announced_masked_and_shown_in_the_history(intake, broker):
    ack = await filed(intake)
    response = await ask(intake, ack["tracking_number"], reason="Call me on 13812345678, nobody answers.")
    assert response.status_code == 204, response.text
    events = await received_events(broker.bootstrap, ack["id"], types=(ESCALATION_REQUESTED,))
    assert len(events) == 1
    assert "13812345678" not in events[0][1]["reason"]
    assert "nobody answers" in events[0][1]["reason"]
    view = (await intake.client.get(f"/v1/track/{ack['tracking_number']}", params={"verification": "0100"})).json()
    assert view["history"][-1]["kind"] == "escalation_request"
    assert view["history"][-1]["title"] == "You asked for your complaint to be escalated"
    assert view["escalation"]["requested_at"] is not None


async def test_asking_again_too_soon_is_refused_with_a_clear_answer(intake, broker):
    ack = await filed(intake)
    assert (await ask(intake, ack["tracking_number"])).status_code == 204
    again = await ask(intake, ack["tracking_number"], reason="Still nothing.")
    assert again.status_code == 429
    assert again.headers["content-type"] == "application/problem+json"
    assert "you can ask again from" in again.json()["detail"]
    assert again.json()["retry_after"]
    events = await received_events(broker.bootstrap, ack["id"], types=(ESCALATION_REQUESTED,))
    assert len(events) == 1


async def test_without_a_limit_the_customer_may_ask_again(start_intake):
    async with start_intake(escalation_request_interval_hours=0) as intake:
        ack = await filed(intake)
        assert (await ask(intake, ack["tracking_number"])).status_code == 204
        assert (await ask(intake, ack["tracking_number"])).status_code == 204


async def test_a_withdrawn_complaint_cannot_be_escalated(intake):
    ack = await filed(intake)
    number = ack["tracking_number"]
    await intake.client.post(f"/v1/track/{number}/withdrawal", json={"verification": "0100"})
    refused = await ask(intake, number)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    view = (await intake.client.get(f"/v1/track/{number}", params={"verification": "0100"})).json()
    assert "escalation_request" not in [step["kind"] for step in view["history"]]


async def test_a_wrong_verification_or_an_empty_reason_changes_nothing(intake):
    ack = await filed(intake)
    number = ack["tracking_number"]
    wrong = await intake.client.post(f"/v1/track/{number}/escalation",
                                     json={"verification": "9999", "reason": "please"})
    assert wrong.status_code == 404
    empty = await intake.client.post(f"/v1/track/{number}/escalation", json={"verification": "0100", "reason": " "})
    assert empty.status_code == 422
    assert (await ask(intake, number)).status_code == 204


async def test_a_closed_complaint_cannot_be_escalated(intake, broker):
    ack = await filed(intake)
    number = ack["tracking_number"]
    closed = ComplaintStatusChangedV1(complaint_id=UUID(ack["id"]), from_status=Status.RESOLVED,
                                      to_status=Status.CLOSED, occurred_at=datetime.now(UTC))
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, closed)

    async def status() -> bool:
        view = await intake.client.get(f"/v1/track/{number}", params={"verification": "0100"})
        return view.json()["status"] == "closed"
    await wait_until(status, within=30, what="the closing")
    refused = await ask(intake, number)
    assert refused.status_code == 409
    assert "closed" in refused.json()["detail"]
