"""Holding a case while it waits on a third party, through HTTP: the hold and its release are steps of the case's
history and events on the complaint topic; what is not allowed is refused and changes nothing."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from tests.integration.routing.builders import a_received_complaint
from tests.integration.routing.conftest import events_of, names

PROBLEM = "application/problem+json"


async def assigned_case(routing):
    received = a_received_complaint()
    await routing.receive(received)
    case = await routing.case_when(received.complaint_id, lambda c: c["agent_id"], what="assignment")
    return received.complaint_id, case


def holds_of(case):
    return [(e["kind"], e["actor"], e["text"]) for e in case["history"] if e["kind"].startswith("hold")]


async def test_a_case_is_held_and_released_with_an_event_each(routing):
    cid, case = await assigned_case(routing)
    agent = case["agent_id"]
    until = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)

    held = await routing.client.post(f"/v1/cases/{cid}/hold", headers={"X-Actor": agent},
                                     json={"reason": "waiting for the courier's report", "until": until.isoformat()})
    assert held.status_code == 200, held.text
    assert held.json()["on_hold"] is True and held.json()["status"] == "assigned"
    assert datetime.fromisoformat(held.json()["until"]) == until
    again = await routing.client.post(f"/v1/cases/{cid}/hold", headers={"X-Actor": agent}, json={"reason": "twice"})
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    assert "on hold already" in again.json()["detail"]

    released = await routing.client.post(f"/v1/cases/{cid}/hold/release", json={"actor": "demo-jun",
                                                                                "reason": "report arrived"})
    assert released.status_code == 200 and released.json()["on_hold"] is False
    twice = await routing.client.post(f"/v1/cases/{cid}/hold/release", headers={"X-Actor": "demo-jun"})
    assert twice.status_code == 409 and "not on hold" in twice.json()["detail"]

    assert holds_of(await routing.case(cid)) == [("hold", agent, "waiting for the courier's report"),
                                                 ("hold_released", "demo-jun", "report arrived")]
    events = await events_of(routing.bootstrap, cid, count=6)
    assert names(events)[4:] == ["Held", "HoldReleased"]
    assert (events[4].reason, events[4].until, events[4].actor) == ("waiting for the courier's report", until, agent)
    assert (events[5].actor, events[5].reason) == ("demo-jun", "report arrived")
    assert events[5].occurred_at >= events[4].occurred_at


async def test_bad_or_untimely_holds_are_refused_and_change_nothing(routing):
    cid, _ = await assigned_case(routing)
    into, _ = await assigned_case(routing)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    refused = [
        (f"/v1/cases/{cid}/hold", {"actor": "a"}, 422, "reason"),
        (f"/v1/cases/{cid}/hold", {"actor": "a", "reason": ""}, 422, "reason"),
        (f"/v1/cases/{cid}/hold", {"actor": "a", "reason": "x", "until": "2026-01-01T10:00:00"}, 422, "timezone"),
        (f"/v1/cases/{cid}/hold", {"actor": "a", "reason": "x", "until": past}, 422, "future"),
        (f"/v1/cases/{cid}/hold", {"actor": "", "reason": "who?"}, 422, "actor"),
        (f"/v1/cases/{cid}/hold", {"actor": "a", "reason": "x", "colour": "red"}, 422, "colour"),
        (f"/v1/cases/{uuid4()}/hold", {"actor": "a", "reason": "x"}, 404, "no case"),
        (f"/v1/cases/{cid}/hold/release", {"actor": "a"}, 409, "not on hold"),
    ]
    for path, body, status, fragment in refused:
        answer = await routing.client.post(path, json=body)
        assert answer.status_code == status and answer.headers["content-type"].startswith(PROBLEM), (body, answer.text)
        assert fragment in answer.text, (body, answer.text)
    assert holds_of(await routing.case(cid)) == []

    merged = await routing.client.post(f"/v1/cases/{cid}/merge", json={"into_complaint_id": str(into), "actor": "a"})
    assert merged.status_code == 200 and merged.json()["status"] == "closed"
    closed = await routing.client.post(f"/v1/cases/{cid}/hold", json={"actor": "a", "reason": "too late"})
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    assert holds_of(await routing.case(cid)) == []
    events = await events_of(routing.bootstrap, cid, count=6)
    assert names(events)[4:] == ["Merged", "StatusChanged"]


async def test_simultaneous_holds_on_one_case_make_one_hold(routing):
    """The case row is locked (PostgreSQL) or the writers take turns (SQLite), so of holds sent at once exactly
    one is taken and the others see it."""
    cid, case = await assigned_case(routing)
    answers = await asyncio.gather(*(
        routing.client.post(f"/v1/cases/{cid}/hold", headers={"X-Actor": case["agent_id"]}, json={"reason": f"r{i}"})
        for i in range(4)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409], [a.text for a in answers]
    assert [kind for kind, _, _ in holds_of(await routing.case(cid))] == ["hold"]
