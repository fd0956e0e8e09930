"""Which channels a notification goes out on, and what happens after a try: free of I/O."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import Conflict

ACKNOWLEDGEMENT, REPLY, INFORMATION_REQUEST, SURVEY, STATUS = (
    "acknowledgement", "reply", "information_request", "survey", "status")
KINDS = (ACKNOWLEDGEMENT, REPLY, INFORMATION_REQUEST, SURVEY, STATUS)
EMAIL, WEBHOOK = "email", "webhook"
CHANNELS = (EMAIL, WEBHOOK)
PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"
STATES = (PENDING, SENT, FAILED, SKIPPED)
RETRYABLE = frozenset({FAILED, SKIPPED})
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Contact:
    """How the customer can be reached, and what they agreed to."""

    email: str | None
    callback_url: str | None
    may_contact: bool
    may_survey: bool


def destinations(kind: str, *, contact: Contact) -> list[tuple[str, str]]:
    """(channel, destination) pairs a notification of this kind goes to. The callback URL is the frontend's,
    so it hears of everything; e-mail needs the customer's consent to be contacted (and to surveys)."""
    if kind == SURVEY and not contact.may_survey:
        return []
    found = []
    if contact.email and contact.may_contact:
        found.append((EMAIL, contact.email))
    if contact.callback_url:
        found.append((WEBHOOK, contact.callback_url))
    return found


def retry_delay(attempts: int, *, first_s: float, longest_s: float) -> timedelta:
    """Exponential backoff after the n-th failed try: first, 2×first, 4×first … capped at longest."""
    return timedelta(seconds=min(first_s * 2 ** (attempts - 1), longest_s))


@dataclass(frozen=True)
class AfterFailure:
    state: str
    next_attempt_at: datetime


def after_failure(attempts: int, *, now: datetime, max_attempts: int, first_s: float,
                  longest_s: float) -> AfterFailure:
    if attempts >= max_attempts:
        return AfterFailure(FAILED, now)
    return AfterFailure(PENDING, now + retry_delay(attempts, first_s=first_s, longest_s=longest_s))


def check_retryable(state: str, *, notification_id: object) -> None:
    if state not in RETRYABLE:
        raise Conflict(f"notification {notification_id} is {state}; only failed or skipped notifications can be "
                       "sent again", state=state)


def error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip()
    return text[:MAX_ERROR_CHARS]
