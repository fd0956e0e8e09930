"""Use cases that keep the customer's view from the other services' events, and queue what the customer is
told. Each runs in the handler's unit of work (which holds the event's inbox row) and commits it."""

import logging
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.intake.models import Complaint, Promise, PublicStep
from services.intake.notifications import domain as notices
from services.intake.notifications import service as notifications
from services.intake.projection import domain
from services.intake.uow import IntakeUow

log = logging.getLogger(__name__)


async def _known(uow: IntakeUow, complaint_id: UUID, what: str) -> Complaint | None:
    complaint = await uow.complaints.find(complaint_id)
    if complaint is None:
        # Another deployment's complaint, or one filed before this database: nothing of ours to update.
        log.debug("ignoring %s for complaint %s, which intake does not know", what, complaint_id)
    return complaint


def _step(uow: IntakeUow, complaint: Complaint, kind: str, *, at: datetime, text: str | None = None) -> None:
    uow.complaints.add_step(PublicStep(id=uuid4(), complaint_id=complaint.id, at=at, kind=kind,
                                       status=complaint.status, text=text))


async def change_status(uow: IntakeUow, *, complaint_id: UUID, to_status: str, at: datetime) -> None:
    """The case's new status, unless a later one was applied already (events may come out of order)."""
    async with uow:
        complaint = await _known(uow, complaint_id, f"status {to_status}")
        if complaint is None or not domain.status_applies(current=complaint.status, current_at=complaint.status_at,
                                                          target=to_status, at=at):
            await uow.commit()
            return
        shows_step = domain.shows_status_step(current=complaint.status, target=to_status)
        complaint.status, complaint.status_at = to_status, at
        if shows_step:
            _step(uow, complaint, to_status, at=at)
        await uow.commit()


async def record_step(uow: IntakeUow, *, complaint_id: UUID, kind: str, at: datetime, text: str | None = None,
                      notify: str | None = None, data: dict[str, Any] | None = None,
                      language: str | None = None) -> None:
    """A step of the public history and, when `notify` names a kind, the notifications that tell the customer."""
    async with uow:
        complaint = await _known(uow, complaint_id, kind)
        if complaint is not None:
            _step(uow, complaint, kind, at=at, text=text)
            if notify is not None:
                notifications.queue(uow, complaint, kind=notify, at=at, data=data, language=language)
        await uow.commit()


async def resolve(uow: IntakeUow, *, complaint_id: UUID, resolution: str, at: datetime) -> None:
    await record_step(uow, complaint_id=complaint_id, kind="resolved", at=at, text=resolution,
                      notify=notices.STATUS, data={"status": domain.RESOLVED, "resolution": resolution})


async def escalate(uow: IntakeUow, *, complaint_id: UUID, at: datetime) -> None:
    async with uow:
        complaint = await _known(uow, complaint_id, "escalation")
        if complaint is not None:
            complaint.escalated_at = max(complaint.escalated_at or at, at)
            _step(uow, complaint, "escalated", at=at)
        await uow.commit()


async def merge(uow: IntakeUow, *, complaint_id: UUID, into: UUID, at: datetime) -> None:
    async with uow:
        complaint = await _known(uow, complaint_id, "merge")
        if complaint is not None:
            complaint.merged_into = into
            _step(uow, complaint, "merged", at=at)
        await uow.commit()


async def promise(uow: IntakeUow, *, complaint_id: UUID, target: str, due_at: datetime, state: str,
                  at: datetime) -> None:
    """A date promised to the customer, from an SLA clock; the first reply's replaces the acknowledgement's."""
    if target not in domain.KNOWN_TARGETS:
        return
    async with uow:
        complaint = await _known(uow, complaint_id, f"sla {target}")
        if complaint is not None:
            _keep_promise(uow, complaint, await uow.complaints.promise(complaint_id, target),
                          target=target, due_at=due_at, state=state, at=at)
        await uow.commit()


def _keep_promise(uow: IntakeUow, complaint: Complaint, kept: Promise | None, *, target: str, due_at: datetime,
                  state: str, at: datetime) -> None:
    if kept is None:
        uow.complaints.add_promise(Promise(complaint_id=complaint.id, target=target, due_at=due_at, state=state,
                                           as_of=at))
    elif domain.is_newer(at, than=kept.as_of):
        kept.due_at, kept.state, kept.as_of = due_at, state, at
    else:
        return
    if target == "first_response" and state == domain.RUNNING:
        complaint.expected_response_by = due_at
