"""Submitting complaints through HTTP, with the real database and broker."""

import asyncio
import json
from uuid import uuid4

from services.intake.tracking import is_valid_tracking_number
from tests.integration.intake.builders import a_submission
from tests.support import reading


async def received_events(bootstrap: str, complaint_id: str, *, within: float = 15.0, settle: float = 1.0,
                          types: tuple[bytes, ...] = (b"redress.complaint.received.v1",)):
    """Every event of `types` about one complaint that arrives within `within` seconds."""
    found = []
    async with reading(bootstrap, "redress.complaint.v1") as consumer:
        loop = asyncio.get_running_loop()
        deadline, quiet_until = loop.time() + within, None
        while loop.time() < deadline and (quiet_until is None or loop.time() < quiet_until):
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                for message in messages:
                    headers = dict(message.headers)
                    if headers.get("ce_subject") == complaint_id.encode() and headers.get("ce_type") in types:
                        found.append((headers, json.loads(message.value)))
                        quiet_until = loop.time() + settle
    return found


async def test_a_complaint_is_acknowledged_and_announced_once_with_contact_data_masked(intake, broker):
    response = await intake.client.post("/v1/complaints", json=a_submission())
    assert response.status_code == 201, response.text
    ack = response.json()
    assert is_valid_tracking_number(ack["tracking_number"])
    assert ack["status"] == "received"
    assert ack["language"] == "en"
    assert ack["expected_response_by"] > ack["acknowledged_at"]

    events = await received_events(broker.bootstrap, ack["id"])
    assert len(events) == 1
    headers, data = events[0]
    assert headers["ce_type"] == b"redress.complaint.received.v1"
    assert data["tracking_number"] == ack["tracking_number"]
    text = data["subject"] + data["description"]
    for secret in ("ann.lee@example.com", "555 0100", "4111 1111 1111 1111"):
        assert secret not in text
    assert "billed twice for order 88231" in data["description"]
    assert "email" not in data and "phone" not in data and "name" not in data
    assert data["tenant"] == "default"


async def test_a_complaint_from_the_web_form_carries_the_tenant_intake_files_it_for(start_intake, broker):
    async with start_intake(tenant="acme-retail") as intake, intake.anonymous() as browser:
        ack = (await browser.post("/complain", json=a_submission())).json()
        [(_, data)] = await received_events(broker.bootstrap, ack["id"])
    assert data["tenant"] == "acme-retail"


async def test_the_filed_complaint_keeps_what_the_customer_sent(intake):
    body = a_submission(kind="suggestion", region="Shanghai", product_ref="SKU-1", remedy_sought="a refund",
                        attachments=[{"name": "receipt.jpg", "media_type": "image/jpeg", "size": 1234,
                                      "sha256": "a" * 64, "url": "https://files.example.com/r/1"}])
    ack = (await intake.client.post("/v1/complaints", json=body)).json()
    filed = (await intake.client.get(f"/v1/complaints/{ack['id']}")).json()
    assert filed["customer"]["email"] == "ann.lee@example.com"
    assert filed["kind"] == "suggestion"
    assert filed["attachments"][0]["name"] == "receipt.jpg"
    assert (filed["region"], filed["product_ref"], filed["remedy_sought"]) == ("Shanghai", "SKU-1", "a refund")


async def test_the_language_is_detected_when_not_given(intake):
    body = a_submission(subject="快递丢了", description="我的包裹显示已签收，但我根本没有收到，客服一直不回复。")
    assert (await intake.client.post("/v1/complaints", json=body)).json()["language"] == "zh"
    given = a_submission(language="fr")
    assert (await intake.client.post("/v1/complaints", json=given)).json()["language"] == "fr"


async def test_an_unknown_complaint_is_a_404_problem(intake):
    response = await intake.client.get(f"/v1/complaints/{uuid4()}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
