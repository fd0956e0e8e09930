"""Tenants across the four services, in-process on real databases and the real broker: a complaint filed under
one tenant flows through intake, routing, escalation and feedback, and no caller of another tenant sees it or its
numbers through any service's API, nor finds it in another tenant's events."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from shared.auth.deps import API_KEY_HEADER
from shared.auth.provision import grant
from shared.auth.roles import Role
from shared.contracts.complaint import ComplaintAssignedV1, ComplaintClassifiedV1, ComplaintReceivedV1
from shared.contracts.sla import SlaStartedV1
from tests.integration.four_services import Services
from tests.integration.intake.builders import a_submission
from tests.support import unique, wait_until

SERVICES = ("intake", "routing", "escalation", "feedback")


def _clients(services: Services) -> dict[str, httpx.AsyncClient]:
    return {name: getattr(services, name).client for name in SERVICES}


async def _acme_clients(services: Services) -> dict[str, httpx.AsyncClient]:
    """Clients of the same four apps holding an admin key of tenant acme (admins see most, yet only their own)."""
    clients = {}
    for name in SERVICES:
        key = await grant([services.urls[name]], Role.ADMIN, name="acme-admin", tenant="acme")
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=getattr(services, name).app),
                                   base_url=f"http://{name}", headers={API_KEY_HEADER: key})
        clients[name] = client
    return clients


async def _file(intake: httpx.AsyncClient, product: str) -> UUID:
    answer = await intake.post("/v1/complaints", json=a_submission(product_ref=product))
    assert answer.status_code == 201, answer.text
    return UUID(answer.json()["id"])


async def _through_every_service(clients: dict[str, httpx.AsyncClient], complaint_id: UUID) -> None:
    """Wait until routing has the case, escalation its SLA clock and feedback an evaluation of it."""
    async def seen(service: str, path: str) -> bool:
        return (await clients[service].get(path)).status_code == 200

    await wait_until(lambda: seen("routing", f"/v1/cases/{complaint_id}"), within=60, what="the case in routing")
    await wait_until(lambda: seen("escalation", f"/v1/complaints/{complaint_id}/sla"), within=60,
                     what="the SLA clock in escalation")
    evaluation = await clients["feedback"].post("/v1/evaluations", json={
        "complaint_id": str(complaint_id), "method": "follow_up_call", "evaluator": "qa-1", "csat": 4})
    assert evaluation.status_code == 201, evaluation.text


def _one_complaint_paths(complaint_id: UUID) -> dict[str, list[str]]:
    return {"intake": [f"/v1/complaints/{complaint_id}", f"/v1/complaints/{complaint_id}/notifications"],
            "routing": [f"/v1/cases/{complaint_id}", f"/v1/cases/{complaint_id}/suggestions"],
            "escalation": [f"/v1/complaints/{complaint_id}/sla"],
            "feedback": [f"/v1/complaints/{complaint_id}/evaluations"]}


def _hidden(response: httpx.Response) -> bool:
    """Unknown to the caller: 404, or for a list about one complaint (its evaluations) an empty one."""
    return response.status_code == 404 or (response.status_code == 200 and response.json() == [])


async def _listed(clients: dict[str, httpx.AsyncClient]) -> dict[str, set[str]]:
    """The complaint ids each service's listings show this caller."""
    intake = (await clients["intake"].get("/v1/complaints", params={"limit": 200})).json()["items"]
    routing = (await clients["routing"].get("/v1/cases", params={"limit": 200})).json()["items"]
    notifications = (await clients["intake"].get("/v1/notifications", params={"limit": 200})).json()["items"]
    return {"intake": {c["id"] for c in intake}, "routing": {c["id"] for c in routing},
            "notifications": {n["complaint_id"] for n in notifications}}


async def _counts(clients: dict[str, httpx.AsyncClient], product: str, since: datetime) -> dict[str, Any]:
    """What each service's reports count for this caller."""
    window = {"from": since.isoformat(), "to": (since + timedelta(hours=1)).isoformat()}
    kpis = await clients["feedback"].get("/v1/kpis", params={**window, "product": product})
    assert kpis.status_code == 200, kpis.text
    attainment = await clients["escalation"].get("/v1/sla/reports/attainment", params={"group_by": "category"})
    assert attainment.status_code == 200, attainment.text
    return {"volume": kpis.json()["total"]["volume"],
            "clocks": sum(row["clocks"] for row in attainment.json()["rows"])}


async def test_no_tenant_sees_anothers_complaint_in_any_service(services: Services):
    ours_clients, acme_clients = _clients(services), await _acme_clients(services)
    product, since = unique("isolation-"), datetime.now(UTC) - timedelta(minutes=5)
    try:
        ours = await _file(ours_clients["intake"], product)
        theirs = [await _file(acme_clients["intake"], product) for _ in range(2)]
        await _through_every_service(ours_clients, ours)
        for complaint_id in theirs:
            await _through_every_service(acme_clients, complaint_id)

        for clients, own, others in ((ours_clients, [ours], theirs), (acme_clients, theirs, [ours])):
            for other in others:
                for service, paths in _one_complaint_paths(other).items():
                    for path in paths:
                        response = await clients[service].get(path)
                        assert _hidden(response), f"{service} {path}: {response.status_code} {response.text}"
            listed = await _listed(clients)
            for service, ids in listed.items():
                assert {str(c) for c in own} <= ids, f"{service} leaves out the caller's own complaints"
                assert not ids & {str(c) for c in others}, f"{service} lists another tenant's complaint"

        # One complaint of ours and two of theirs, each with the same clocks. Feedback counts a complaint once it
        # has handled its events, so wait for the counts to settle; counting another tenant's would never do.
        async def counted_apart() -> bool:
            ours_counted = await _counts(ours_clients, product, since)
            theirs_counted = await _counts(acme_clients, product, since)
            return ((ours_counted["volume"], theirs_counted["volume"]) == (1, 2)
                    and theirs_counted["clocks"] == 2 * ours_counted["clocks"] > 0)

        await wait_until(counted_apart, within=60, what="each tenant's KPIs and SLA attainment counting its own")
    finally:
        for client in acme_clients.values():
            await client.aclose()


async def test_every_event_of_a_complaint_carries_its_tenant(services: Services):
    acme = await _acme_clients(services)
    try:
        theirs = await _file(acme["intake"], unique("events-"))
        await _through_every_service(acme, theirs)
        for event_class in (ComplaintReceivedV1, ComplaintClassifiedV1, ComplaintAssignedV1, SlaStartedV1):
            await services.log.wait_for(theirs, event_class, within=60)
    finally:
        for client in acme.values():
            await client.aclose()

    events = [e.event for e in services.log.entries if e.key == str(theirs)]
    assert {event.tenant for event in events} == {"acme"}, [(type(e).__name__, e.tenant) for e in events]
