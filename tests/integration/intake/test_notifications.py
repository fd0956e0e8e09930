"""Notifications reach the customer: e-mail through a real SMTP server, signed webhooks to a real HTTP
receiver, retries with backoff, failures and retries through the API."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from shared.contracts.complaint import ComplaintInformationRequestedV1, ComplaintRespondedV1
from shared.contracts.feedback import SurveyRequestedV1
from tests.integration.intake.builders import a_submission
from tests.integration.intake.receivers import LOOPBACK_CALLBACKS, smtp_server, webhook_receiver
from tests.support import produce_event, started_producer, wait_until

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CHINESE = {"customer": {"locale": "zh-CN", "email": "wang.fang@example.cn"}, "subject": "快递一直没有送到",
           "description": "我的订单88231已经十天了还没有送到，客服电话也打不通。"}


def smtp(port: int, **more):
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False, "smtp_sender":
            "Care <care@example.com>", "notification_backoff_s": 0.05, **more}


async def file(intake, **overrides) -> dict:
    response = await intake.client.post("/v1/complaints", json=a_submission(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def notifications_of(intake, complaint_id: str, **params) -> list[dict]:
    response = await intake.client.get(f"/v1/complaints/{complaint_id}/notifications", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def produce(broker, *events) -> None:
    async with started_producer(broker.bootstrap) as producer:
        for event in events:
            await produce_event(producer, event)


async def test_acknowledgement_reply_and_survey_emails_come_in_the_customers_language(start_intake, broker):
    with smtp_server() as (mailbox, port):
        async with start_intake(**smtp(port)) as intake:
            chinese, english = await file(intake, **CHINESE), await file(intake)
            await wait_until(lambda: len(mailbox.messages) >= 2, within=30, what="two acknowledgements")
            [ack_zh], [ack_en] = mailbox.to("wang.fang@example.cn"), mailbox.to("ann.lee@example.com")
            assert ack_zh["Subject"] == f"我们已收到您的投诉 {chinese['tracking_number']}"
            assert "我们将在" in ack_zh.get_content()
            assert ack_en["Subject"] == f"We received your complaint {english['tracking_number']}"
            assert ack_en["From"] == "Care <care@example.com>"
            now = datetime.now(UTC)
            await produce(broker, ComplaintRespondedV1(complaint_id=UUID(chinese["id"]), message="已为您补发快递。",
                                                       occurred_at=now),
                          SurveyRequestedV1(complaint_id=UUID(english["id"]), survey_url="https://s.example.com/x1",
                                            expires_at=now + timedelta(days=7), language="en", occurred_at=now))
            await wait_until(lambda: len(mailbox.messages) >= 4, within=30, what="the reply and the survey")
            reply = mailbox.to("wang.fang@example.cn")[1]
            assert reply["Subject"] == f"关于您的投诉 {chinese['tracking_number']} 的答复"
            assert "已为您补发快递。" in reply.get_content()
            survey = mailbox.to("ann.lee@example.com")[1]
            assert "https://s.example.com/x1" in survey.get_content()
            sent = await notifications_of(intake, chinese["id"])
            assert sorted((n["kind"], n["channel"], n["state"], n["language"]) for n in sent) == [
                ("acknowledgement", "email", "sent", "zh"), ("reply", "email", "sent", "zh")]


async def test_no_survey_email_without_consent(start_intake, broker):
    with smtp_server() as (mailbox, port):
        async with start_intake(**smtp(port)) as intake:
            ack = await file(intake, consent={"survey": False})
            now = datetime.now(UTC)
            await produce(broker, SurveyRequestedV1(complaint_id=UUID(ack["id"]), survey_url="https://s.example.com/y",
                                                    expires_at=now + timedelta(days=7), occurred_at=now),
                          ComplaintRespondedV1(complaint_id=UUID(ack["id"]), message="Done.", occurred_at=now))
            await wait_until(lambda: len(mailbox.messages) >= 2, within=30, what="the reply after the survey")
            assert not any("https://s.example.com/y" in m.get_content() for m in mailbox.messages)
            assert [n["kind"] for n in await notifications_of(intake, ack["id"])] != []
            assert "survey" not in [n["kind"] for n in await notifications_of(intake, ack["id"])]


async def test_webhooks_are_signed_with_the_standard_webhooks_scheme(start_intake, broker):
    async with webhook_receiver() as receiver, start_intake(webhook_secret=SECRET, **LOOPBACK_CALLBACKS) as intake:
        ack = await file(intake, callback_url=receiver.url)
        await wait_until(lambda: receiver.deliveries, within=30, what="the acknowledgement webhook")
        await produce(broker, ComplaintInformationRequestedV1(complaint_id=UUID(ack["id"]),
                                                              message="Which card was charged?"))
        await wait_until(lambda: len(receiver.deliveries) >= 2, within=30, what="the information request webhook")
        first, second = (Webhook(SECRET).verify(d.body, d.headers) for d in receiver.deliveries[:2])
        assert first["type"] == "complaint.acknowledgement"
        assert first["data"]["tracking_number"] == ack["tracking_number"]
        assert second["type"] == "complaint.information_request"
        assert second["data"]["message"] == "Which card was charged?"
        assert second["data"]["title"].startswith("We need more information")
        forged = receiver.deliveries[0]
        assert_refused(forged.body.replace(b"acknowledgement", b"reply"), forged.headers)


def assert_refused(body: bytes, headers: dict[str, str]) -> None:
    with pytest.raises(WebhookVerificationError, match="signature"):
        Webhook(SECRET).verify(body, headers)


async def test_a_failing_destination_is_retried_then_failed_and_can_be_retried(start_intake):
    async with webhook_receiver() as receiver, start_intake(
            webhook_secret=SECRET, notification_max_attempts=3, notification_backoff_s=0.05,
            notification_backoff_max_s=0.2, **LOOPBACK_CALLBACKS) as intake:
        receiver.answer = 503
        ack = await file(intake, callback_url=receiver.url)

        async def failed() -> list[dict]:
            page = await intake.client.get("/v1/notifications", params={"state": "failed", "complaint_id": ack["id"]})
            return page.json()["items"]
        [notification] = await wait_until(failed, within=30, what="the notification to fail")
        assert notification["attempts"] == 3
        assert "503" in notification["last_error"]
        assert len(receiver.deliveries) == 3
        assert len({d.headers["webhook-id"] for d in receiver.deliveries}) == 1

        receiver.answer = 204
        retried = await intake.client.post(f"/v1/notifications/{notification['id']}/retry")
        assert retried.status_code == 200, retried.text
        assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)

        async def sent() -> bool:
            # Found by id: the e-mail notification of the same moment may list before it.
            mine = [n for n in await notifications_of(intake, ack["id"]) if n["id"] == notification["id"]]
            return mine[0]["state"] == "sent"
        await wait_until(sent, within=30, what="the retried notification to be sent")
        assert len(receiver.deliveries) == 4
        again = await intake.client.post(f"/v1/notifications/{notification['id']}/retry")
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"


async def test_without_smtp_or_a_secret_notifications_are_skipped_with_the_reason(intake):
    ack = await file(intake, callback_url="https://app.example.com/hook")

    async def settled() -> list[dict]:
        found = await notifications_of(intake, ack["id"])
        return found if found and all(n["state"] == "skipped" for n in found) else []
    found = await wait_until(settled, within=30, what="the notifications to be skipped")
    reasons = {n["channel"]: n["last_error"] for n in found}
    assert "smtp_host" in reasons["email"] and "webhook_secret" in reasons["webhook"]

    first = await intake.client.get(f"/v1/complaints/{ack['id']}/notifications", params={"limit": 1})
    second = await intake.client.get(f"/v1/complaints/{ack['id']}/notifications",
                                     params={"limit": 1, "cursor": first.json()["next_cursor"]})
    assert second.json()["next_cursor"] is None
    assert {first.json()["items"][0]["id"], second.json()["items"][0]["id"]} == {n["id"] for n in found}


async def test_bad_notification_requests_get_clear_problems(intake):
    assert (await intake.client.get("/v1/notifications", params={"state": "lost"})).status_code == 422
    assert (await intake.client.get("/v1/notifications", params={"cursor": "garbage"})).status_code == 422
    unknown = await intake.client.post("/v1/notifications/5b0c1d6e-0000-4000-8000-000000000000/retry")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    missing = await intake.client.get("/v1/complaints/5b0c1d6e-0000-4000-8000-000000000000/notifications")
    assert missing.status_code == 404
