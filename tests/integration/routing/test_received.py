"""A complaint received on the broker is opened as a case, classified, prioritised and assigned."""

from shared.contracts.complaint import (
    ComplaintAssignedV1,
    ComplaintClassifiedV1,
    ComplaintCustomerRepliedV1,
    ComplaintStatusChangedV1,
)
from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import events_of, names


async def test_a_received_complaint_is_classified_and_assigned_to_a_fitting_agent(routing):
    received = a_received_complaint(subject="包裹丢失", language="zh", locale="zh-CN",
                                    description="我的快递包裹丢失了，物流一直没有更新，请尽快处理。")
    await routing.receive(received)

    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="an agent takes the case")

    assert case["status"] == "assigned"
    assert case["category"] == "delivery"
    assert case["team_id"] == "demo-care-zh"
    agent = (await routing.client.get(f"/v1/agents/{case['agent_id']}")).json()
    assert "zh" in agent["languages"] and agent["role"] == "agent"
    events = await events_of(routing.bootstrap, received.complaint_id, count=4)
    assert names(events) == ["Classified", "StatusChanged", "Assigned", "StatusChanged"]
    classified, to_classified, assigned, to_assigned = events
    assert isinstance(classified, ComplaintClassifiedV1) and classified.source == "keywords"
    assert classified.sentiment is not None and not classified.needs_triage
    assert isinstance(to_classified, ComplaintStatusChangedV1)
    assert (to_classified.from_status, to_classified.to_status) == ("received", "classified")
    assert isinstance(assigned, ComplaintAssignedV1) and assigned.agent_id == case["agent_id"]
    assert assigned.transfers == 0
    assert (to_assigned.from_status, to_assigned.to_status) == ("classified", "assigned")


async def test_a_safety_issue_is_critical_and_goes_to_the_emergency_team(routing):
    received = a_received_complaint(subject="Heater caught fire",
                                    description="The heater caught fire in my living room and my son was injured.")
    await routing.receive(received)

    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="an agent takes the case")

    assert case["safety_flag"] is True
    assert case["priority"] == "critical" and case["severity"] == 5
    assert case["team_id"] == "demo-emergency"


async def test_a_redelivered_complaint_opens_one_case(routing):
    received = a_received_complaint()
    await routing.receive(received)
    await routing.receive(received)
    # Same key, same partition: once the reply is in the history, both deliveries were handled.
    await routing.receive(ComplaintCustomerRepliedV1(complaint_id=received.complaint_id, message="any news?"))
    await routing.case_when(received.complaint_id, lambda c: any(e["kind"] == "customer_replied"
                                                                 for e in c["history"]), what="the reply")

    events = await events_of(routing.bootstrap, received.complaint_id, count=4)
    assert names(events) == ["Classified", "StatusChanged", "Assigned", "StatusChanged"]
    history = (await routing.case(received.complaint_id))["history"]
    assert [e["kind"] for e in history].count("received") == 1
