"""A customer's erasure through HTTP and the real broker: intake erases its data at once, and routing,
escalation and feedback erase theirs on complaint.erased."""

from typing import Any
from uuid import UUID

from shared.contracts.complaint import ERASED_TEXT, ComplaintErasedV1
from tests.integration.four_services import Services, rows
from tests.integration.intake.builders import a_submission
from tests.support import unique, wait_until

EMAIL = "ann.lee@example.com"
REPLY = "My neighbour Bob Chan at 12 Elm Street saw the courier drop it."
ESCALATION_REASON = "Ann Lee needs the refund before her operation on Friday."
NOTE = "Spoke to Ann Lee on +1 415 555 0100; she is upset."
COMMENT = "Ann Lee said the agent was kind."


async def _file_and_work_on(services: Services, customer_id: str) -> UUID:
    """A complaint with the customer's words in every service: the complaint, a reply and an escalation request
    (intake, routing, escalation), an internal note (routing) and an evaluation comment (feedback)."""
    answer = await services.intake.client.post("/v1/complaints", json=a_submission(customer={"id": customer_id}))
    assert answer.status_code == 201, answer.text
    complaint_id, tracking_number = UUID(answer.json()["id"]), answer.json()["tracking_number"]
    await services.routing.case_when(complaint_id, lambda case: True, what="the case in routing")
    for path, body in ((f"/v1/track/{tracking_number}/replies", {"verification": EMAIL, "message": REPLY}),
                       (f"/v1/track/{tracking_number}/escalation", {"verification": EMAIL,
                                                                    "reason": ESCALATION_REASON})):
        response = await services.intake.client.post(path, json=body)
        assert response.status_code == 204, response.text
    note = await services.routing.client.post(f"/v1/cases/{complaint_id}/notes", json={"text": NOTE},
                                              headers={"X-Actor": "agent-017"})
    assert note.status_code == 201, note.text
    evaluation = await services.feedback.client.post("/v1/evaluations", json={
        "complaint_id": str(complaint_id), "method": "follow_up_call", "evaluator": "qa-1", "csat": 4,
        "comment": COMMENT})
    assert evaluation.status_code == 201, evaluation.text
    await wait_until(lambda: _texts(services, complaint_id, "routing", "case_entry", "text", like=REPLY),
                     within=60, what="the customer's reply in routing")
    await wait_until(lambda: _texts(services, complaint_id, "escalation", "escalation", "reason"),
                     within=60, what="the customer's escalation in escalation")
    # ... and back in routing as a step of the case: a text that arrived after the erasure would stay
    await services.routing.case_when(complaint_id, lambda case: case["escalation_level"] >= 1,
                                     what="the escalation in routing")
    await wait_until(lambda: _texts(services, complaint_id, "feedback", "complaint_fact", "subject"),
                     within=60, what="the complaint's fact in feedback")
    return complaint_id


def _key(url: str, complaint_id: UUID) -> Any:
    return complaint_id.hex if url.startswith("sqlite") else complaint_id  # SQLite keeps UUIDs as hex


async def _texts(services: Services, complaint_id: UUID, service: str, table: str, column: str, *,
                 like: str | None = None) -> list[str | None]:
    url = services.urls[service]
    key = "id" if table == "case" else "complaint_id"
    found = [row[0] for row in await rows(url, f'SELECT {column} FROM "{table}" WHERE {key} = :id',
                                          id=_key(url, complaint_id))]
    return [t for t in found if like is None or t == like]


async def _all_erased(services: Services, complaint_id: UUID, service: str, table: str, *columns: str) -> bool:
    for column in columns:
        texts = [t for t in await _texts(services, complaint_id, service, table, column) if t is not None]
        if not texts or any(t != ERASED_TEXT for t in texts):
            return False
    return True


async def _erase(services: Services, customer_id: str) -> dict[str, Any]:
    response = await services.intake.client.post(f"/v1/customers/{customer_id}/erasure",
                                                 json={"reason": "GDPR art. 17 request, ticket 2291"},
                                                 headers={"X-Actor": "dpo@example.com"})
    assert response.status_code == 202, response.text
    return response.json()


async def _intake_is_erased(services: Services, complaint_id: UUID) -> None:
    complaint = (await services.intake.client.get(f"/v1/complaints/{complaint_id}")).json()
    assert complaint["customer"]["name"] is None and complaint["customer"]["email"] is None
    assert complaint["customer"]["phone"] is None
    assert (complaint["subject"], complaint["description"]) == (ERASED_TEXT, ERASED_TEXT)
    assert complaint["tracking_number"] and complaint["channel"] == "web"  # what KPIs count stays
    steps = [t for t in await _texts(services, complaint_id, "intake", "public_step", "text") if t is not None]
    assert steps and set(steps) == {ERASED_TEXT}
    notifications = (await services.intake.client.get(f"/v1/complaints/{complaint_id}/notifications")).json()
    assert notifications["items"]
    assert all(n["destination"] == ERASED_TEXT and EMAIL not in str(n["payload"]) and n["state"] != "pending"
               for n in notifications["items"])


async def test_an_erasure_erases_the_customer_in_every_service(services: Services):
    customer_id = unique("erased-")
    complaint_id = await _file_and_work_on(services, customer_id)

    answer = await _erase(services, customer_id)

    assert answer == {"customer_id": customer_id, "complaints": 1}
    await _intake_is_erased(services, complaint_id)
    audit = await services.intake.client.get("/v1/audit", params={"entity": "customer", "entity_id": customer_id})
    assert [e["actor"] for e in audit.json()["items"]] == ["dpo@example.com"]
    assert EMAIL not in audit.text and "Charged twice" not in audit.text
    [event] = await services.log.wait_for(complaint_id, ComplaintErasedV1)
    assert event.basis == "request"
    await wait_until(lambda: _all_erased(services, complaint_id, "routing", "case", "subject", "description"),
                     within=60, what="routing's case erased")
    for table, column in (("case_entry", "text"), ("case_note", "text")):
        assert await _all_erased(services, complaint_id, "routing", table, column), table
    assert REPLY not in await _texts(services, complaint_id, "routing", "triage_label", "text")
    await wait_until(lambda: _all_erased(services, complaint_id, "escalation", "escalation", "reason"),
                     within=60, what="escalation's reasons erased")
    await wait_until(lambda: _all_erased(services, complaint_id, "feedback", "complaint_fact", "subject",
                                         "description"), within=60, what="feedback's fact erased")
    assert await _all_erased(services, complaint_id, "feedback", "evaluation", "comment")
    progress = await wait_until(lambda: _completed_erasure(services, customer_id), within=60,
                                what="every service's confirmation of the erasure")
    assert progress["services"] == dict.fromkeys(("intake", "routing", "escalation", "feedback"), "done")
    assert set(progress["complaints"][0]["confirmed_by"]) == {"routing", "escalation", "feedback"}
    await _no_api_says_it(services, complaint_id)


async def _completed_erasure(services: Services, customer_id: str) -> dict[str, Any] | None:
    response = await services.intake.client.get(f"/v1/customers/{customer_id}/erasure")
    assert response.status_code == 200, response.text
    return response.json() if response.json()["complete"] else None


async def _no_api_says_it(services: Services, complaint_id: UUID) -> None:
    """What each service answers about the complaint holds none of the customer's contact data or words."""
    for client, path in ((services.intake.client, f"/v1/complaints/{complaint_id}"),
                         (services.intake.client, f"/v1/complaints/{complaint_id}/notifications"),
                         (services.routing.client, f"/v1/cases/{complaint_id}"),
                         (services.escalation.client, f"/v1/complaints/{complaint_id}/sla"),
                         (services.feedback.client, f"/v1/complaints/{complaint_id}/evaluations")):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        for words in (EMAIL, "Ann Lee", "Charged twice", REPLY, ESCALATION_REASON, NOTE, COMMENT):
            assert words not in response.text, (path, words)


async def test_erasing_twice_is_harmless(services: Services):
    customer_id = unique("erased-twice-")
    complaint_id = await _file_and_work_on(services, customer_id)

    first, second = await _erase(services, customer_id), await _erase(services, customer_id)

    assert first == second == {"customer_id": customer_id, "complaints": 1}
    await services.log.wait_for(complaint_id, ComplaintErasedV1, count=2)
    await _intake_is_erased(services, complaint_id)
    await wait_until(lambda: _all_erased(services, complaint_id, "feedback", "complaint_fact", "subject",
                                         "description"), within=60, what="feedback's fact erased")
    await wait_until(lambda: _all_erased(services, complaint_id, "routing", "case", "subject", "description"),
                     within=60, what="routing's case erased")
    erasures = {str(UUID(str(row[0]))) for row in await rows(
        services.urls["intake"], "SELECT ce_id FROM outbox WHERE ce_type = :type AND key = :key",
        type=ComplaintErasedV1.ce_type, key=str(complaint_id))}
    assert len(erasures) == 2

    async def all_handled() -> bool:  # every service took both erasures (a failing one would not commit)
        for service in ("routing", "escalation", "feedback"):
            handled = {row[0] for row in await rows(services.urls[service], "SELECT event_id FROM inbox")}
            if not erasures <= handled:
                return False
        return True

    await wait_until(all_handled, within=60, what="both erasures handled by every service")


async def test_erasing_a_customer_without_complaints_is_404(start_intake):
    async with start_intake() as intake:
        response = await intake.client.post(f"/v1/customers/{unique('nobody-')}/erasure",
                                            json={"reason": "request"}, headers={"X-Actor": "dpo"})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
