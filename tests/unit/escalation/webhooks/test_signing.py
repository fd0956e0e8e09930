"""The headers the job sends, checked with the standardwebhooks library's own verification."""

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.escalation.webhooks import domain

BODY = '{"type":"redress.sla.breached.v1","id":"e1","data":{"policy_id":"standard"}}'


def test_a_signature_verifies_with_the_subscription_secret():
    secret = domain.new_secret()
    headers = domain.signed_headers([secret], msg_id="d-1", timestamp=datetime.now(UTC), payload=BODY)
    assert Webhook(secret).verify(BODY, headers) == {"type": "redress.sla.breached.v1", "id": "e1",
                                                     "data": {"policy_id": "standard"}}
    assert headers["webhook-id"] == "d-1"
    assert headers["webhook-signature"].startswith("v1,")


def test_another_secret_a_changed_body_or_an_old_timestamp_fail():
    secret = domain.new_secret()
    headers = domain.signed_headers([secret], msg_id="d-1", timestamp=datetime.now(UTC), payload=BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(domain.new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("standard", "vip"), headers)
    old = domain.signed_headers([secret], msg_id="d-1", timestamp=datetime.now(UTC) - timedelta(minutes=10),
                                payload=BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, old)


def test_during_a_rotation_both_secrets_verify():
    new, old = domain.new_secret(), domain.new_secret()
    headers = domain.signed_headers([new, old], msg_id="d-2", timestamp=datetime.now(UTC), payload=BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(domain.new_secret()).verify(BODY, headers)


def test_the_timestamp_header_is_whole_unix_seconds():
    at = datetime(2026, 3, 2, 9, 30, 15, 750_000, tzinfo=UTC)
    headers = domain.signed_headers([domain.new_secret()], msg_id="d", timestamp=at, payload=BODY)
    assert headers["webhook-timestamp"] == str(int(at.timestamp()))
