"""Intake's use cases; the only place that commits. Filing submissions is in filing.py."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from services.intake import domain
from services.intake.filing import Answer, public_step, submit_batch, submit_complaint
from services.intake.models import Complaint, Promise, PublicStep
from services.intake.repository import ComplaintFilter
from services.intake.settings import IntakeSettings
from services.intake.tracking import normalise_tracking_number
from services.intake.uow import IntakeUow
from shared.contracts.complaint import (
    ComplaintCustomerRepliedV1,
    ComplaintEscalationRequestedV1,
    ComplaintWithdrawnV1,
)
from shared.errors import InvalidInput
from shared.pii import mask_pii

__all__ = ["Answer", "Tracked", "submit_batch", "submit_complaint"]


async def get_complaint(uow: IntakeUow, complaint_id: UUID, *, tenant: str) -> Complaint:
    async with uow:
        return await uow.complaints.get(complaint_id, tenant=tenant)


async def list_complaints(uow: IntakeUow, where: ComplaintFilter, *, limit: int, cursor: str | None
                          ) -> tuple[list[Complaint], str | None]:
    async with uow:
        return await uow.complaints.page(where, limit=limit, cursor=cursor)


async def _verified_complaint(uow: IntakeUow, tracking_number: str, verification: str) -> Complaint:
    try:
        canonical = normalise_tracking_number(tracking_number)
    except ValueError as exc:
        raise InvalidInput(str(exc), tracking_number=tracking_number[:40]) from None
    complaint = await uow.complaints.by_tracking_number(canonical)
    if complaint is None or not domain.verified(given=verification, email=complaint.customer_email,
                                                phone=complaint.customer_phone):
        raise domain.NotVerified()
    if complaint.duplicate_of is not None:  # a linked submission's number leads to the complaint it joined
        return await uow.complaints.get(complaint.duplicate_of)
    return complaint


@dataclass(frozen=True)
class Tracked:
    complaint: Complaint
    steps: list[PublicStep]
    promises: list[Promise]


async def track(uow: IntakeUow, tracking_number: str, *, verification: str) -> Tracked:
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        return Tracked(complaint, await uow.complaints.steps_of(complaint.id),
                       await uow.complaints.promises_of(complaint.id))


async def reply_as_customer(uow: IntakeUow, tracking_number: str, *, verification: str, message: str) -> None:
    """The customer adds a reply or information; the case's handlers get it masked."""
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        domain.check_open(complaint.status, action="customer reply")
        now = datetime.now(UTC)
        uow.complaints.add_step(public_step(complaint, kind="customer_reply", at=now, text=message))
        uow.emit(ComplaintCustomerRepliedV1(complaint_id=complaint.id, tenant=complaint.tenant, occurred_at=now,
                                            message=mask_pii(message)))
        await uow.commit()


async def withdraw(uow: IntakeUow, tracking_number: str, *, verification: str, reason: str | None) -> None:
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        domain.check_open(complaint.status, action=domain.WITHDRAWN)
        now = datetime.now(UTC)
        complaint.status, complaint.status_at = domain.WITHDRAWN, now
        uow.complaints.add_step(public_step(complaint, kind=domain.WITHDRAWN, at=now, text=reason))
        uow.emit(ComplaintWithdrawnV1(complaint_id=complaint.id, tenant=complaint.tenant, occurred_at=now,
                                      reason=mask_pii(reason) if reason else None))
        await uow.commit()


async def request_escalation(uow: IntakeUow, tracking_number: str, *, verification: str, reason: str,
                             settings: IntakeSettings) -> None:
    """The customer asks for a senior team; escalation decides, and the request shows in the history."""
    async with uow:
        complaint = await _verified_complaint(uow, tracking_number, verification)
        domain.check_open(complaint.status, action="escalation request")
        now = datetime.now(UTC)
        domain.check_escalation_request(last=complaint.escalation_requested_at, now=now,
                                        interval=timedelta(hours=settings.escalation_request_interval_hours))
        complaint.escalation_requested_at = now
        uow.complaints.add_step(public_step(complaint, kind="escalation_request", at=now, text=reason))
        uow.emit(ComplaintEscalationRequestedV1(complaint_id=complaint.id, tenant=complaint.tenant,
                                                occurred_at=now, reason=mask_pii(reason)))
        await uow.commit()

