"""Routing's, escalation's and feedback's events, produced onto the real broker, change the customer's view."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from shared.contracts.complaint import (
    ComplaintAssignedV1,
    ComplaintEscalatedV1,
    ComplaintInformationRequestedV1,
    ComplaintMergedV1,
    ComplaintResolvedV1,
    ComplaintRespondedV1,
    ComplaintStatusChangedV1,
    Status,
)
from shared.contracts.sla import SlaFulfilledV1, SlaRecalculatedV1, SlaStartedV1, SlaTarget
from tests.integration.intake.builders import a_submission
from tests.support import all_messages, produce_event, started_producer, wait_until


async def filed(intake, **overrides) -> tuple[UUID, str]:
    response = await intake.client.post("/v1/complaints", json=a_submission(**overrides))
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"]), response.json()["tracking_number"]


async def view(intake, number: str, **params) -> dict:
    response = await intake.client.get(f"/v1/track/{number}", params={"verification": "0100", **params})
    assert response.status_code == 200, response.text
    return response.json()


async def view_when(intake, number: str, condition, *, what: str, **params) -> dict:
    async def check():
        body = await view(intake, number, **params)
        return body if condition(body) else None
    return await wait_until(check, within=30, what=what)


def changed(complaint_id: UUID, old: Status, new: Status, at: datetime) -> ComplaintStatusChangedV1:
    return ComplaintStatusChangedV1(complaint_id=complaint_id, from_status=old, to_status=new, occurred_at=at)


def kinds(body: dict) -> list[str]:
    return [step["kind"] for step in body["history"]]


async def test_the_case_being_handled_shows_without_agent_names_and_with_the_promised_date(intake, broker):
    complaint_id, number = await filed(intake)
    t = datetime.now(UTC)
    reply_due, resolve_due = t + timedelta(hours=6), t + timedelta(days=3)
    async with started_producer(broker.bootstrap) as producer:
        for event in (
            changed(complaint_id, Status.RECEIVED, Status.CLASSIFIED, t),
            ComplaintAssignedV1(complaint_id=complaint_id, team_id="billing-t2", agent_id="agent-zhang-wei",
                                occurred_at=t + timedelta(seconds=1)),
            changed(complaint_id, Status.CLASSIFIED, Status.ASSIGNED, t + timedelta(seconds=1)),
            SlaStartedV1(complaint_id=complaint_id, target=SlaTarget.FIRST_RESPONSE, policy_id="p1",
                         due_at=reply_due, occurred_at=t + timedelta(seconds=2)),
            SlaStartedV1(complaint_id=complaint_id, target=SlaTarget.RESOLUTION, policy_id="p1",
                         due_at=resolve_due, occurred_at=t + timedelta(seconds=2)),
        ):
            await produce_event(producer, event)
    # Two topics, read independently: wait for both the case's progress and the SLA clocks.
    body = await view_when(intake, number, lambda b: b["resolve_by"] and b["reply_by"] and len(b["history"]) == 2
                           and b["status"] != "received", what="the progress and the promised dates")
    assert (body["status"], body["status_text"], body["language"]) == ("being_handled", "Being handled", "en")
    assert datetime.fromisoformat(body["reply_by"]) == reply_due
    assert datetime.fromisoformat(body["expected_response_by"]) == reply_due
    assert datetime.fromisoformat(body["resolve_by"]) == resolve_due
    assert kinds(body) == ["received", "assigned"]
    assert body["history"][1]["title"] == "A specialist team is handling your complaint"
    raw = (await intake.client.get(f"/v1/track/{number}", params={"verification": "0100", "lang": "zh"})).text
    assert "agent-zhang-wei" not in raw and "billing-t2" not in raw
    assert "处理中" in raw


async def test_a_policy_change_moves_the_promised_date(intake, broker):
    complaint_id, number = await filed(intake)
    t = datetime.now(UTC)
    first, moved = t + timedelta(days=3), t + timedelta(days=1)
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, SlaStartedV1(complaint_id=complaint_id, target=SlaTarget.RESOLUTION,
                                                   policy_id="p1", due_at=first, occurred_at=t))
        await produce_event(producer, SlaRecalculatedV1(
            complaint_id=complaint_id, target=SlaTarget.RESOLUTION, policy_id="p1", due_at=moved,
            previous_due_at=first, target_minutes=1440, occurred_at=t + timedelta(seconds=1)))
    body = await view_when(intake, number, lambda b: b["resolve_by"]
                           and datetime.fromisoformat(b["resolve_by"]) == moved, what="the moved resolution date")
    assert body["status"] == "received"


async def test_replies_questions_and_the_resolution_reach_the_tracking_page(intake, broker):
    complaint_id, number = await filed(intake)
    t = datetime.now(UTC)
    async with started_producer(broker.bootstrap) as producer:
        for event in (
            ComplaintInformationRequestedV1(complaint_id=complaint_id, message="Which card was charged?",
                                            agent_id="a-1", occurred_at=t),
            changed(complaint_id, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, t),
        ):
            await produce_event(producer, event)
        body = await view_when(intake, number, lambda b: b["awaiting_your_reply"], what="the information request")
        assert body["history"][-1]["text"] == "Which card was charged?"
        assert body["status_text"] == "Waiting for your information"
        answer = await intake.client.post(f"/v1/track/{number}/replies",
                                          json={"verification": "0100", "message": "The Visa one."})
        assert answer.status_code == 204
        t = datetime.now(UTC)
        for event in (
            changed(complaint_id, Status.AWAITING_CUSTOMER, Status.IN_PROGRESS, t + timedelta(seconds=1)),
            ComplaintRespondedV1(complaint_id=complaint_id, message="We refunded the second charge.",
                                 first_response=True, occurred_at=t + timedelta(seconds=2)),
            SlaFulfilledV1(complaint_id=complaint_id, target=SlaTarget.FIRST_RESPONSE, policy_id="p1",
                           due_at=t + timedelta(hours=1), met=True, occurred_at=t + timedelta(seconds=2)),
            changed(complaint_id, Status.IN_PROGRESS, Status.RESPONDED, t + timedelta(seconds=2)),
            ComplaintResolvedV1(complaint_id=complaint_id, resolution="Refunded in full.",
                                occurred_at=t + timedelta(seconds=3)),
            changed(complaint_id, Status.RESPONDED, Status.RESOLVED, t + timedelta(seconds=3)),
            ComplaintEscalatedV1(complaint_id=complaint_id, level=1, reason="breach", role="team_lead",
                                 occurred_at=t + timedelta(seconds=4)),
        ):
            await produce_event(producer, event)
    body = await view_when(intake, number, lambda b: b["escalation"]["escalated_at"], what="the escalation")
    assert (body["status"], body["awaiting_your_reply"], body["reply_by"]) == ("resolved", False, None)
    assert kinds(body) == ["received", "information_request", "customer_reply", "reply", "resolved", "escalated"]
    assert body["history"][3]["text"] == "We refunded the second charge."
    assert body["history"][4]["text"] == "Refunded in full."
    zh = await view(intake, number, lang="zh")
    assert zh["status_text"] == "已解决"
    assert zh["history"][-1]["title"] == "您的投诉已升级至高级团队处理"
    assert "team_lead" not in str(zh)


async def test_a_late_older_status_or_a_redelivered_event_changes_nothing(intake, broker):
    complaint_id, number = await filed(intake)
    t = datetime.now(UTC)
    reply = ComplaintRespondedV1(complaint_id=complaint_id, message="Looking into it.", occurred_at=t)
    reply_id = uuid4()
    async with started_producer(broker.bootstrap) as producer:
        await produce_event(producer, changed(complaint_id, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER,
                                              t + timedelta(seconds=5)))
        await produce_event(producer, changed(complaint_id, Status.ASSIGNED, Status.IN_PROGRESS, t))
        await produce_event(producer, reply, ce_id=reply_id)
        await produce_event(producer, reply, ce_id=reply_id)
        # Same key, same partition: once the merge shows, everything before it was handled.
        await produce_event(producer, ComplaintMergedV1(complaint_id=complaint_id, into_complaint_id=uuid4(),
                                                        occurred_at=t + timedelta(seconds=6)))
    body = await view_when(intake, number, lambda b: "merged" in kinds(b), what="the merge")
    assert kinds(body) == ["received", "reply", "merged"]
    listed = (await intake.client.get("/v1/complaints", params={"customer_id": await _customer(intake, complaint_id)}))
    assert listed.json()["items"][0]["status"] == "awaiting_customer"
    assert body["status"] == "merged"


async def test_events_for_complaints_intake_does_not_know_are_ignored(intake, broker):
    complaint_id, number = await filed(intake)
    stranger = uuid4()
    t = datetime.now(UTC)
    async with started_producer(broker.bootstrap) as producer:
        ours = await produce_event(producer, ComplaintAssignedV1(complaint_id=complaint_id, team_id="t",
                                                                 occurred_at=t))
        # On our complaint's partition, so that they are handled before the escalation that follows.
        for event in (ComplaintRespondedV1(complaint_id=stranger, message="hello", occurred_at=t),
                      changed(stranger, Status.ASSIGNED, Status.IN_PROGRESS, t)):
            await produce_event(producer, event, partition=ours.partition)
        await produce_event(producer, ComplaintEscalatedV1(complaint_id=complaint_id, level=1, reason="manual",
                                                           occurred_at=t))
    await view_when(intake, number, lambda b: "escalated" in kinds(b), what="the escalation after the strangers")
    dead = await all_messages(broker.bootstrap, "redress.complaint.v1.dlq")
    assert not [m for m in dead if m.key == str(stranger).encode()]


async def _customer(intake, complaint_id: UUID) -> str:
    return (await intake.client.get(f"/v1/complaints/{complaint_id}")).json()["customer"]["id"]
