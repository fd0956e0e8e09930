import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from standardwebhooks import Webhook

from services.intake.notifications import domain
from services.intake.notifications.channels import email_of, webhook_body
from services.intake.notifications.messages import available, render
from services.intake.notifications.service import Claimed

BASE = {"tracking_number": "RD-7K3M-9QX2-T", "customer_name": "Ann Lee", "subject": "Charged twice"}
PAYLOADS = {
    "acknowledgement": {"reply_by": "2026-03-03T09:00:00+00:00"},
    "reply": {"message": "We refunded the second charge."},
    "information_request": {"message": "Which card was charged?"},
    "survey": {"survey_url": "https://survey.example.com/s/abc", "expires_at": "2026-03-10T00:00:00+00:00",
               "reminder": False},
    "status": {"status": "resolved", "resolution": "Refunded in full."},
}


def test_every_kind_has_a_template_in_both_languages():
    assert available() == {"en": sorted(domain.KINDS), "zh": sorted(domain.KINDS)}


@pytest.mark.parametrize("kind", domain.KINDS)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_message_names_the_complaint_and_carries_its_content(kind, language):
    message = render(kind, language=language, payload={**BASE, **PAYLOADS[kind]})
    assert "RD-7K3M-9QX2-T" in message.subject
    assert "\n" not in message.subject
    for value in PAYLOADS[kind].values():
        if isinstance(value, str) and not value.startswith("2026") and value != "resolved":
            assert value in message.body


def test_messages_are_in_the_customers_language():
    english = render("acknowledgement", language="en", payload={**BASE, **PAYLOADS["acknowledgement"]})
    chinese = render("acknowledgement", language="zh", payload={**BASE, **PAYLOADS["acknowledgement"]})
    assert "We will reply by 2026-03-03 09:00 UTC" in english.body
    assert "我们已收到您的投诉" in chinese.subject
    assert "2026-03-03 09:00 UTC 前答复您" in chinese.body
    assert render("status", language="zh", payload={**BASE, **PAYLOADS["status"]}).subject.endswith("已解决")


def test_a_missing_name_or_optional_date_reads_naturally():
    body = render("acknowledgement", language="en", payload={**BASE, "customer_name": None}).body
    assert body.startswith("Dear customer,")
    assert "reply by" not in body


def claimed(kind: str = "reply", language: str = "en", channel: str = "email") -> Claimed:
    return Claimed(id=uuid4(), kind=kind, channel=channel, destination="ann@example.com", language=language,
                   payload={**BASE, **PAYLOADS[kind]}, attempts=1, created_at=datetime.now(UTC))


def test_the_email_carries_the_rendered_message_and_a_stable_message_id():
    item = claimed(language="zh")
    email = email_of(item, sender="Care <care@example.com>")
    assert email["To"] == "ann@example.com"
    assert email["Subject"] == "关于您的投诉 RD-7K3M-9QX2-T 的答复"
    assert email["Message-ID"] == f"<{item.id}@redress.notifications>"
    assert "We refunded the second charge." in email.get_content()


def test_the_webhook_body_verifies_with_the_standard_webhooks_scheme():
    secret = "whsec_" + "c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw=="
    item, now = claimed(channel="webhook"), datetime.now(UTC)
    body = webhook_body(item, at=now)
    headers = {"webhook-id": str(item.id), "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign(str(item.id), now, body)}
    verified = Webhook(secret).verify(body, headers)
    assert verified == json.loads(body)
    assert verified["type"] == "complaint.reply"
    assert verified["data"]["message"] == "We refunded the second charge."
    assert verified["data"]["title"].startswith("Our reply")
