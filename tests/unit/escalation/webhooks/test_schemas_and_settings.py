from typing import ClassVar

import pytest
from pydantic import ValidationError

from services.escalation.webhooks.schemas import WebhookIn, WebhookPatchIn
from services.escalation.webhooks.settings import WebhookSettingsMixin
from shared.settings import ServiceSettings


class Settings(WebhookSettingsMixin, ServiceSettings):
    service_name: ClassVar[str] = "escalation"


@pytest.mark.parametrize("url", ["ftp://partner.example/hook", "javascript:alert(1)", "/relative/hook",
                                 "partner.example/hook", "http://", "https://x.example/" + "a" * 2000])
def test_only_http_and_https_urls_are_accepted(url):
    with pytest.raises(ValidationError):
        WebhookIn(url=url, filters=["*"])


def test_a_subscription_needs_filters_of_event_type_characters():
    assert str(WebhookIn(url="https://partner.example/hook", filters=["redress.sla.*"]).url) == \
        "https://partner.example/hook"
    for filters in ([], ["redress sla"], [""]):
        with pytest.raises(ValidationError):
            WebhookIn(url="https://partner.example/hook", filters=filters)


def test_a_patch_changes_something_and_nothing_to_null():
    assert WebhookPatchIn(active=True).changes() == {"active": True}
    assert WebhookPatchIn(url="http://p.example/h").changes() == {"url": "http://p.example/h"}
    for body in ({}, {"url": None}, {"filters": None}):
        with pytest.raises(ValidationError):
            WebhookPatchIn(**body)


def test_the_settings_mix_into_the_service_settings():
    settings = Settings(webhook_backoff_s=[0.1, 0.2], webhook_timeout_s=1, webhook_lease_s=2)
    assert settings.webhook_backoff_s == (0.1, 0.2)
    assert settings.service_name == "escalation" and isinstance(settings, WebhookSettingsMixin)


@pytest.mark.parametrize("values", [{"webhook_timeout_s": 30, "webhook_lease_s": 30},
                                    {"webhook_backoff_s": [1, -1]}])
def test_settings_that_cannot_work_are_refused(values):
    with pytest.raises(ValidationError):
        Settings(**values)
