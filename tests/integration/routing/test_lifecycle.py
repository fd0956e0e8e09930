"""The whole path of a case through HTTP and the broker, with the events it emits, in order."""

from shared.contracts.complaint import (
    ComplaintCloseRequestedV1,
    ComplaintCustomerRepliedV1,
    ComplaintReopenRequestedV1,
)
from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import events_of, names


def status_steps(events):
    return [(e.from_status, e.to_status) for e in events if type(e).__name__ == "ComplaintStatusChangedV1"]


async def post(routing, path, actor, body=None, status=200):
    response = await routing.client.post(path, json=body, headers={"X-Actor": actor})
    assert response.status_code == status, response.text
    return response.json()


async def test_from_receipt_to_closing_with_the_events_in_order(routing):
    received = a_received_complaint(subject="Overcharged", description="I was double charged on my last bill.")
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    cid, agent = received.complaint_id, case["agent_id"]
    assert case["category"] == "billing" and case["team_id"] == "demo-billing"

    await post(routing, f"/v1/cases/{cid}/acceptance", agent)
    await post(routing, f"/v1/cases/{cid}/notes", agent, {"text": "checked the ledger"}, status=201)
    task = await post(routing, f"/v1/cases/{cid}/tasks", agent, {"title": "ask finance"}, status=201)
    await post(routing, f"/v1/cases/{cid}/tasks/{task['id']}/completion", agent, {"outcome": "confirmed"})
    await post(routing, f"/v1/cases/{cid}/information-requests", agent, {"message": "Which card?"})
    await routing.receive(ComplaintCustomerRepliedV1(complaint_id=cid, message="The visa card"))
    await routing.case_when(cid, lambda c: c["status"] == "in_progress", what="back in progress")
    first = await post(routing, f"/v1/cases/{cid}/responses", agent,
                       {"template": "resolution_offered", "variables": {"offer": "a full refund"}}, status=201)
    assert received.tracking_number in first["message"] and "a full refund" in first["message"]
    await post(routing, f"/v1/cases/{cid}/responses", agent, {"message": "Refund is on its way."}, status=201)
    await post(routing, f"/v1/cases/{cid}/resolution", agent,
               {"resolution": "Refunded", "resolution_code": "refund", "root_cause": "pricing_error"})
    assert (await routing.client.get(f"/v1/agents/{agent}")).json()["open_cases"] == 0

    await routing.receive(ComplaintReopenRequestedV1(complaint_id=cid, reason="refund never came"))
    reopened = await routing.case_when(cid, lambda c: c["status"] == "assigned", what="reopened and assigned")
    assert reopened["agent_id"] == agent and reopened["transfers"] == 0
    await post(routing, f"/v1/cases/{cid}/acceptance", agent)
    await post(routing, f"/v1/cases/{cid}/resolution", agent,
               {"resolution": "Refund re-sent", "resolution_code": "refund", "root_cause": "system_error"})
    await routing.receive(ComplaintCloseRequestedV1(complaint_id=cid, reason="accepted"))
    await routing.case_when(cid, lambda c: c["status"] == "closed", what="closed")

    events = await events_of(routing.bootstrap, cid, count=20)
    assert names(events) == [
        "Classified", "StatusChanged", "Assigned", "StatusChanged", "StatusChanged", "InformationRequested",
        "StatusChanged", "StatusChanged", "Responded", "StatusChanged", "Responded", "Resolved", "StatusChanged",
        "StatusChanged", "Assigned", "StatusChanged", "StatusChanged", "Resolved", "StatusChanged", "StatusChanged"]
    assert status_steps(events) == [
        ("received", "classified"), ("classified", "assigned"), ("assigned", "in_progress"),
        ("in_progress", "awaiting_customer"), ("awaiting_customer", "in_progress"), ("in_progress", "responded"),
        ("responded", "resolved"), ("resolved", "reopened"), ("reopened", "assigned"), ("assigned", "in_progress"),
        ("in_progress", "resolved"), ("resolved", "closed")]
    responded = [e for e in events if type(e).__name__ == "ComplaintRespondedV1"]
    assert [r.first_response for r in responded] == [True, False]
    detail = await routing.case(cid)
    assert [n["text"] for n in detail["notes"]] == ["checked the ledger"]
    assert detail["tasks"][0]["outcome"] == "confirmed"
    assert detail["resolution_code"] == "refund"
