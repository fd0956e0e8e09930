"""Notification use cases: queue one with the change that causes it, list, retry, and the delivery job's
claim and outcome; the only place in notifications that commits."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from services.intake.models import Complaint, Notification
from services.intake.notifications import domain
from services.intake.notifications.repository import NotificationFilter
from services.intake.projection.domain import language_of
from services.intake.uow import IntakeUow


def queue(uow: IntakeUow, complaint: Complaint, *, kind: str, at: datetime, data: dict[str, Any] | None = None,
          language: str | None = None) -> list[Notification]:
    """Add the notifications of one occurrence to the open unit of work; they commit with it."""
    consent = complaint.consent or {}
    contact = domain.Contact(email=complaint.customer_email, callback_url=complaint.callback_url,
                             may_contact=consent.get("contact", True), may_survey=consent.get("survey", True))
    language = language_of(requested=language, locale=complaint.customer_locale, language=complaint.language)
    payload = {"kind": kind, "complaint_id": str(complaint.id), "tracking_number": complaint.tracking_number,
               "customer_name": complaint.customer_name, "subject": complaint.subject, **(data or {})}
    added = []
    for channel, destination in domain.destinations(kind, contact=contact):
        notification = Notification(
            id=uuid4(), complaint_id=complaint.id, kind=kind, channel=channel, destination=destination,
            language=language, payload=payload, state=domain.PENDING, attempts=0, next_attempt_at=at,
            created_at=at, sent_at=None, last_error=None)
        uow.notifications.add(notification)
        added.append(notification)
    uow.queued_notifications = uow.queued_notifications or bool(added)
    return added


async def of_complaint(uow: IntakeUow, complaint_id: UUID, *, tenant: str, limit: int, cursor: str | None
                       ) -> tuple[list[Notification], str | None]:
    async with uow:
        await uow.complaints.get(complaint_id, tenant=tenant)
        return await uow.notifications.page(NotificationFilter(complaint_id=complaint_id, tenant=tenant), limit=limit,
                                            cursor=cursor)


async def page(uow: IntakeUow, where: NotificationFilter, *, limit: int, cursor: str | None
               ) -> tuple[list[Notification], str | None]:
    async with uow:
        return await uow.notifications.page(where, limit=limit, cursor=cursor)


async def retry(uow: IntakeUow, notification_id: UUID, *, tenant: str, actor: str | None = None) -> Notification:
    """A failed or skipped notification of the tenant's goes out again at once, with a fresh count of tries."""
    async with uow:
        notification = await uow.notifications.get(notification_id, tenant=tenant)
        domain.check_retryable(notification.state, notification_id=notification_id)
        before = {"state": notification.state, "attempts": notification.attempts}
        notification.state, notification.attempts = domain.PENDING, 0
        notification.next_attempt_at, notification.last_error = datetime.now(UTC), None
        uow.record_change(actor=actor, action="retry", entity="notification", entity_id=notification_id,
                          before=before, after={"state": notification.state, "attempts": 0},
                          at=notification.next_attempt_at)
        await uow.commit()
    return notification


@dataclass(frozen=True)
class Claimed:
    """A notification taken for one try: a snapshot the job can use after its transaction ended."""

    id: UUID
    kind: str
    channel: str
    destination: str
    language: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


async def claim_due(uow: IntakeUow, *, limit: int, lease: timedelta) -> list[Claimed]:
    """Take due notifications for one try each. Until the lease ends no other job takes them again, so a
    replica that dies mid-send leaves them to be tried later rather than lost."""
    now = datetime.now(UTC)
    async with uow:
        rows = await uow.notifications.claim_due(now=now, limit=limit)
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease
        claimed = [Claimed(r.id, r.kind, r.channel, r.destination, r.language, dict(r.payload), r.attempts,
                           r.created_at) for r in rows]
        await uow.commit()
    return claimed


@dataclass(frozen=True)
class Outcome:
    state: str  # sent, skipped or failed (failed: this try failed; retried unless it was the last)
    error: str | None = None


async def record_outcome(uow: IntakeUow, claimed: Claimed, outcome: Outcome, *, max_attempts: int,
                         backoff_s: float, backoff_max_s: float) -> None:
    now = datetime.now(UTC)
    async with uow:
        row = await uow.notifications.get(claimed.id)
        if row.state != domain.PENDING or row.attempts != claimed.attempts:
            return  # retried through the API meanwhile: that try owns the row now
        row.last_error = outcome.error
        if outcome.state == domain.SENT:
            row.state, row.sent_at = domain.SENT, now
        elif outcome.state == domain.SKIPPED:
            row.state = domain.SKIPPED
        else:
            after = domain.after_failure(row.attempts, now=now, max_attempts=max_attempts, first_s=backoff_s,
                                         longest_s=backoff_max_s)
            row.state, row.next_attempt_at = after.state, after.next_attempt_at
        await uow.commit()


async def next_due(uow: IntakeUow) -> datetime | None:
    async with uow:
        return await uow.notifications.next_due()
