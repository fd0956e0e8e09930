"""Small builders of facts for the analytics unit tests."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.feedback.analytics.domain import Answer, Fact

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def a_fact(received_h: float = 0, **fields) -> Fact:
    received = MONDAY + timedelta(hours=received_h)
    return Fact(complaint_id=uuid4(), first_seen_at=received, received_at=received, **fields)


def at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


def an_answer(**fields) -> Answer:
    return Answer(answered_at=MONDAY + timedelta(days=2), **fields)
