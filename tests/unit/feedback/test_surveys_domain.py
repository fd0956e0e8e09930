"""A survey's schedule: sending, one reminder, closing for no answer, expiry; answering once."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.surveys import domain
from services.feedback.surveys.domain import State, Step, Timing
from services.feedback.surveys.tokens import SurveyGone
from shared.errors import Conflict

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TIMING = Timing(delay_s=3600, valid_s=14 * 86400, reminder_after_s=3 * 86400, close_after_s=7 * 86400)


@dataclass
class FakeSurvey:
    state: str = State.SCHEDULED
    send_at: datetime = T0
    sent_at: datetime | None = None
    expires_at: datetime | None = None
    remind_at: datetime | None = None
    reminded_at: datetime | None = None
    close_at: datetime | None = None
    close_requested_at: datetime | None = None
    answered_at: datetime | None = None
    next_due_at: datetime | None = None


def days(n: float) -> timedelta:
    return timedelta(days=n)


def test_a_survey_is_sent_after_the_delay():
    assert domain.send_at(T0, TIMING) == T0 + timedelta(hours=1)
    survey = FakeSurvey(send_at=T0 + timedelta(hours=1))
    assert domain.due_step(survey, T0) is None
    assert domain.next_due(survey) == T0 + timedelta(hours=1)
    assert domain.due_step(survey, T0 + timedelta(hours=1)) == Step.SEND


def test_a_sent_survey_is_reminded_once_then_closed_then_expires():
    survey = FakeSurvey()
    domain.mark_sent(survey, T0, TIMING)
    assert (survey.state, survey.next_due_at) == (State.SENT, T0 + days(3))
    assert domain.due_step(survey, T0 + days(2)) is None
    assert domain.due_step(survey, T0 + days(3)) == Step.REMIND
    survey.reminded_at = T0 + days(3)
    assert domain.next_due(survey) == T0 + days(7)
    assert domain.due_step(survey, T0 + days(8)) == Step.CLOSE_NO_ANSWER
    survey.close_requested_at = T0 + days(8)
    assert domain.next_due(survey) == T0 + days(14)
    assert domain.due_step(survey, T0 + days(14)) == Step.EXPIRE


def test_no_reminder_when_turned_off():
    survey = FakeSurvey()
    domain.mark_sent(survey, T0, Timing(delay_s=0, valid_s=100, reminder_after_s=0, close_after_s=50))
    assert survey.remind_at is None
    assert survey.next_due_at == T0 + timedelta(seconds=50)


def test_an_answered_survey_has_nothing_due_and_cannot_be_answered_again():
    survey = FakeSurvey()
    domain.mark_sent(survey, T0, TIMING)
    domain.check_answerable(survey, T0 + days(1))
    domain.mark_answered(survey, T0 + days(1))
    assert survey.next_due_at is None and domain.due_step(survey, T0 + days(30)) is None
    assert not domain.is_open(survey)
    with pytest.raises(Conflict):
        domain.check_answerable(survey, T0 + days(1))


@pytest.mark.parametrize("state", [State.SCHEDULED, State.CANCELLED, State.EXPIRED])
def test_only_a_sent_survey_can_be_answered(state):
    with pytest.raises(SurveyGone):
        domain.check_answerable(FakeSurvey(state=state, expires_at=T0 + days(1)), T0)


def test_an_expired_link_cannot_be_answered_even_before_the_job_marks_it():
    survey = FakeSurvey()
    domain.mark_sent(survey, T0, TIMING)
    assert domain.public_state(survey, T0 + days(14)) == State.EXPIRED
    with pytest.raises(SurveyGone):
        domain.check_answerable(survey, T0 + days(14))


def test_cancelling_ends_only_open_surveys():
    open_one, answered = FakeSurvey(next_due_at=T0), FakeSurvey(state=State.ANSWERED)
    domain.cancel(open_one)
    domain.cancel(answered)
    assert (open_one.state, open_one.next_due_at, answered.state) == (State.CANCELLED, None, State.ANSWERED)


@pytest.mark.parametrize(("locale", "language", "expected"), [
    ("zh-CN", "en", "zh"), ("en_US", "zh", "en"), (None, "zh", "zh"), ("fr-FR", "en", "en"), (None, None, "zh"),
    ("de", "fr", "zh")])
def test_the_survey_speaks_the_customers_language(locale, language, expected):
    assert domain.language_for(locale, language, default="zh") == expected
