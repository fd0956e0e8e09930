"""Case work through HTTP: approval of responses to critical cases, merging, re-classifying from triage."""

from sqlalchemy import select

from services.routing.cases.models import TriageLabel
from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import events_of, names


async def assigned_case(routing, **complaint):
    received = a_received_complaint(**complaint)
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    return received.complaint_id, case


async def test_a_response_to_a_critical_case_waits_for_a_supervisor(routing):
    cid, case = await assigned_case(routing, subject="Burn", description="The kettle exploded and I got a burn.")
    agent, headers = case["agent_id"], {"X-Actor": case["agent_id"]}
    assert case["priority"] == "critical"
    await routing.client.post(f"/v1/cases/{cid}/acceptance", headers=headers)

    held = await routing.client.post(f"/v1/cases/{cid}/responses", headers=headers,
                                     json={"template": "acknowledge_investigating"})
    assert held.status_code == 201 and held.json()["state"] == "pending"
    assert (await routing.case(cid))["status"] == "in_progress"
    path = f"/v1/cases/{cid}/responses/{held.json()['id']}"
    refused = await routing.client.post(f"{path}/approval", headers=headers)
    assert refused.status_code == 403 and agent in refused.json()["detail"]

    approved = await routing.client.post(f"{path}/approval", headers={"X-Actor": "demo-jun"})
    assert approved.status_code == 200 and approved.json()["state"] == "sent"
    again = await routing.client.post(f"{path}/rejection", headers={"X-Actor": "demo-jun"})
    assert again.status_code == 409
    events = await events_of(routing.bootstrap, cid, count=7)
    assert names(events)[4:] == ["StatusChanged", "Responded", "StatusChanged"]
    assert events[5].first_response
    assert any(name in events[5].message for name in ("Erik Sato", "陈杰"))  # the emergency team's agents


async def test_a_duplicate_is_merged_and_closed(routing):
    cid, _ = await assigned_case(routing)
    duplicate, _ = await assigned_case(routing)

    merged = await routing.client.post(f"/v1/cases/{duplicate}/merge", json={"into_complaint_id": str(cid),
                                                                             "actor": "demo-hana"})

    assert merged.status_code == 200 and merged.json()["status"] == "closed"
    assert merged.json()["merged_into"] == str(cid)
    events = await events_of(routing.bootstrap, duplicate, count=6)
    assert names(events)[4:] == ["Merged", "StatusChanged"]
    assert (events[5].from_status, events[5].to_status) == ("assigned", "closed")
    target = await routing.case(cid)
    assert any(e["kind"] == "merged_in" for e in target["history"])


async def test_an_unsure_case_goes_to_triage_and_an_agents_category_sends_it_on_and_is_kept(routing):
    cid, case = await assigned_case(routing, subject="Hello", description="I would like to talk to someone.")
    assert case["needs_triage"] and case["team_id"] == "demo-triage"
    assert case["category"] == "other"

    answer = await routing.client.post(f"/v1/cases/{cid}/classification", headers={"X-Actor": case["agent_id"]},
                                       json={"category": "contract_policy", "subcategory": "cancellation"})

    assert answer.status_code == 200, answer.text
    moved = answer.json()
    assert (moved["category"], moved["needs_triage"], moved["team_id"]) == ("contract_policy", False,
                                                                            "demo-care-en")
    assert moved["transfers"] == 1
    events = await events_of(routing.bootstrap, cid, count=6)
    assert names(events)[4:] == ["Classified", "Assigned"]
    assert events[4].source == "agent" and events[5].previous_team_id == "demo-triage"
    async with routing.app.state.runtime.database.sessions() as session:
        labels = (await session.scalars(select(TriageLabel).where(TriageLabel.complaint_id == cid))).all()
    assert [(label.label, label.source) for label in labels] == [("contract_policy/cancellation", "agent")]


async def test_similar_resolved_cases_are_suggested_with_their_responses(routing):
    cid, case = await assigned_case(routing, subject="Lost parcel",
                                    description="The courier lost my parcel and the tracking stopped updating.")
    headers = {"X-Actor": case["agent_id"]}
    await routing.client.post(f"/v1/cases/{cid}/acceptance", headers=headers)
    await routing.client.post(f"/v1/cases/{cid}/responses", headers=headers,
                              json={"message": "We have sent a replacement parcel."})
    resolved = await routing.client.post(f"/v1/cases/{cid}/resolution", headers=headers, json={
        "resolution": "Replacement sent", "resolution_code": "replacement", "root_cause": "logistics_partner"})
    assert resolved.status_code == 200
    new, _ = await assigned_case(routing, subject="Parcel lost",
                                 description="My parcel was lost by the courier, tracking is not updating.")

    answer = await routing.client.get(f"/v1/cases/{new}/suggestions", params={"limit": 3})

    assert answer.status_code == 200
    best = answer.json()[0]
    assert best["complaint_id"] == str(cid) and best["resolution_code"] == "replacement"
    assert best["responses"] == ["We have sent a replacement parcel."] and 0 < best["similarity"] <= 1
