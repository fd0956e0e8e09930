"""A survey's life: scheduled when its complaint is resolved, sent when due, reminded once, the complaint asked
to close when nobody answers within the window, expired when its link runs out; answered at most once.

One survey per resolution: a complaint gets a new survey on a later resolution only when its earlier survey is
no longer open (answered, expired or cancelled), so a case never has two open surveys. Pure."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from services.feedback.surveys.tokens import SurveyGone
from shared.errors import Conflict

LANGUAGES = ("zh", "en")


class State(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


OPEN = (State.SCHEDULED, State.SENT)


class Step(StrEnum):
    SEND = "send"
    REMIND = "remind"
    CLOSE_NO_ANSWER = "close_no_answer"
    EXPIRE = "expire"


class SurveyLike(Protocol):
    state: str
    send_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    remind_at: datetime | None
    reminded_at: datetime | None
    close_at: datetime | None
    close_requested_at: datetime | None
    answered_at: datetime | None
    next_due_at: datetime | None


@dataclass(frozen=True)
class Timing:
    delay_s: float
    valid_s: float
    reminder_after_s: float
    close_after_s: float


def is_open(survey: SurveyLike | None) -> bool:
    return survey is not None and survey.state in OPEN


def language_for(locale: str | None, language: str | None, *, default: str) -> str:
    """The customer's locale first (zh-CN, en-US …), then the language their complaint was written in."""
    for candidate in (locale, language):
        code = (candidate or "").replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default


def send_at(resolved_at: datetime, timing: Timing) -> datetime:
    return resolved_at + timedelta(seconds=timing.delay_s)


def due_step(survey: SurveyLike, now: datetime) -> Step | None:
    """The next piece of work that is due now, if any."""
    if survey.state == State.SCHEDULED:
        return Step.SEND if survey.send_at <= now else None
    if survey.state != State.SENT:
        return None
    if survey.remind_at is not None and survey.reminded_at is None and survey.remind_at <= now:
        return Step.REMIND
    if survey.close_at is not None and survey.close_requested_at is None and survey.close_at <= now:
        return Step.CLOSE_NO_ANSWER
    if survey.expires_at is not None and survey.expires_at <= now:
        return Step.EXPIRE
    return None


def next_due(survey: SurveyLike) -> datetime | None:
    """When the survey job must look at this survey again (None: never)."""
    if survey.state == State.SCHEDULED:
        return survey.send_at
    if survey.state != State.SENT:
        return None
    pending = [survey.expires_at]
    if survey.reminded_at is None:
        pending.append(survey.remind_at)
    if survey.close_requested_at is None:
        pending.append(survey.close_at)
    return min((t for t in pending if t is not None), default=None)


def mark_sent(survey: SurveyLike, now: datetime, timing: Timing) -> None:
    survey.state = State.SENT
    survey.sent_at = now
    survey.expires_at = now + timedelta(seconds=timing.valid_s)
    survey.remind_at = now + timedelta(seconds=timing.reminder_after_s) if timing.reminder_after_s > 0 else None
    survey.close_at = now + timedelta(seconds=timing.close_after_s)
    survey.next_due_at = next_due(survey)


def check_answerable(survey: SurveyLike, now: datetime) -> None:
    """Conflict (409) when it was answered; SurveyGone (410) when it is no longer open."""
    if survey.state == State.ANSWERED:
        raise Conflict("this survey has already been answered", answered_at=str(survey.answered_at))
    if survey.state != State.SENT or (survey.expires_at is not None and survey.expires_at <= now):
        raise SurveyGone("this survey is no longer open", state=survey.state)


def mark_answered(survey: SurveyLike, now: datetime) -> None:
    survey.state = State.ANSWERED
    survey.answered_at = now
    survey.next_due_at = None


def cancel(survey: SurveyLike) -> None:
    if survey.state in OPEN:
        survey.state = State.CANCELLED
        survey.next_due_at = None


def public_state(survey: SurveyLike, now: datetime) -> str:
    if survey.state == State.SENT and survey.expires_at is not None and survey.expires_at <= now:
        return State.EXPIRED
    return survey.state
