from datetime import UTC, datetime, timedelta

import pytest

from services.intake.notifications import domain
from shared.errors import Conflict

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def contact(**overrides):
    values = {"email": "ann@example.com", "callback_url": "https://app.example.com/hook", "may_contact": True,
              "may_survey": True, **overrides}
    return domain.Contact(**values)


def test_a_notification_goes_by_email_and_to_the_callback():
    assert domain.destinations("reply", contact=contact()) == [("email", "ann@example.com"),
                                                       ("webhook", "https://app.example.com/hook")]


def test_no_email_without_consent_to_be_contacted_but_the_frontend_still_hears():
    assert domain.destinations("reply", contact=contact(may_contact=False)) == [("webhook", "https://app.example.com/hook")]


def test_no_survey_without_consent_to_surveys():
    assert domain.destinations("survey", contact=contact(may_survey=False)) == []
    assert domain.destinations("reply", contact=contact(may_survey=False)) != []


def test_nothing_to_send_without_an_address():
    assert domain.destinations("acknowledgement", contact=contact(email=None, callback_url=None)) == []


def test_tries_back_off_exponentially_up_to_a_limit():
    delays = [domain.retry_delay(n, first_s=30, longest_s=300) for n in range(1, 6)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240, 300)]


def test_a_failed_try_is_retried_until_the_last_one():
    again = domain.after_failure(2, now=NOW, max_attempts=3, first_s=10, longest_s=100)
    assert (again.state, again.next_attempt_at) == ("pending", NOW + timedelta(seconds=20))
    assert domain.after_failure(3, now=NOW, max_attempts=3, first_s=10, longest_s=100).state == "failed"


@pytest.mark.parametrize("state", ["failed", "skipped"])
def test_failed_and_skipped_notifications_may_be_sent_again(state):
    domain.check_retryable(state, notification_id="n1")


@pytest.mark.parametrize("state", ["pending", "sent"])
def test_pending_and_sent_notifications_may_not(state):
    with pytest.raises(Conflict, match=state):
        domain.check_retryable(state, notification_id="n1")
