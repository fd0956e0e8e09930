"""Callback URLs are checked against the allow-list on submit, and again before each webhook is sent."""

import pytest

from tests.integration.intake.builders import a_submission
from tests.integration.intake.receivers import LOOPBACK_CALLBACKS, webhook_receiver
from tests.support import wait_until

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(("url", "why"), [
    ("http://app.example.com/hook", "https"),
    ("https://127.0.0.1:8443/hook", "127.0.0.1"),
    ("https://localhost/hook", "127.0.0.1"),
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("https://[::ffff:10.0.0.1]/hook", "10.0.0.1"),
])
async def test_a_callback_url_into_private_networks_or_without_https_is_refused(intake, url, why):
    body = a_submission(callback_url=url)
    response = await intake.client.post("/v1/complaints", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Callback URL not allowed"
    assert why in problem["detail"] and problem["field"] == "callback_url"
    listed = await intake.client.get("/v1/complaints", params={"customer_id": body["customer"]["id"]})
    assert listed.json()["items"] == []


async def test_only_allowed_hosts_are_called(start_intake):
    async with start_intake(callback_url_allowed_hosts=["*.example.com"]) as intake:
        refused = await intake.client.post("/v1/complaints",
                                           json=a_submission(callback_url="https://hooks.example.org/x"))
        assert refused.status_code == 422
        assert "*.example.com" in refused.json()["detail"]
        allowed = await intake.client.post("/v1/complaints", json=a_submission(callback_url="https://app.example.com/x"))
        assert allowed.status_code == 201, allowed.text
        batch = await intake.client.post("/v1/complaints:batch", json={"items": [
            {"complaint": a_submission(callback_url="https://evil.example.net/x")},
            {"complaint": a_submission(subject="Another one", callback_url="https://app.example.com/x")}]})
        assert [r["status"] for r in batch.json()["results"]] == [422, 201]
        assert batch.json()["results"][0]["problem"]["title"] == "Callback URL not allowed"


async def test_delivery_checks_the_destination_again_under_the_settings_of_the_day(start_intake):
    async with webhook_receiver() as receiver:
        async with start_intake(run_background=False, **LOOPBACK_CALLBACKS) as intake:
            ack = (await intake.client.post("/v1/complaints", json=a_submission(callback_url=receiver.url))).json()
        async with start_intake(webhook_secret=SECRET, callback_url_require_https=False) as intake:
            async def skipped() -> list[dict]:
                page = await intake.client.get("/v1/notifications",
                                               params={"complaint_id": ack["id"], "state": "skipped"})
                return [n for n in page.json()["items"] if n["channel"] == "webhook"]
            [notification] = await wait_until(skipped, within=30, what="the webhook to be skipped")
            assert "127.0.0.1" in notification["last_error"] and "does not call" in notification["last_error"]
            assert receiver.deliveries == []
