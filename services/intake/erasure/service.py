"""Erasure's use cases; the only place here that commits. Each erased complaint's contact data, texts, steps
and notifications change in one transaction with the audit entry and one complaint.erased event per complaint
(keyed by the complaint, so it follows the complaint's other events in order)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from services.intake.erasure import domain
from services.intake.erasure.repository import ErasureRepository
from services.intake.models import Complaint
from services.intake.uow import IntakeUow
from shared.contracts.complaint import ComplaintErasedV1
from shared.errors import NotFound

RETENTION_ACTOR = "retention"


@dataclass(frozen=True)
class Erased:
    customer_id: str
    complaints: int


async def erase_customer(uow: IntakeUow, customer_id: str, *, tenant: str, reason: str, actor: str) -> Erased:
    """Erases every complaint of the tenant's customer. Asking again erases again (whatever arrived since) and does no
    harm: the values are the same and the other services' erasure is idempotent too."""
    async with uow:
        erasure = ErasureRepository(uow.session)
        complaints = await erasure.of_customer(customer_id, tenant=tenant)
        if not complaints:
            raise NotFound(f"no complaints of customer {customer_id!r}", customer_id=customer_id)
        now = datetime.now(UTC)
        await _erase(uow, erasure, complaints, basis=domain.REQUEST, at=now)
        # Never the erased values: the audit log is kept for good, and would keep them.
        uow.record_change(actor=actor, action="erase", entity="customer", entity_id=customer_id, before=None,
                          after={"reason": reason, "complaint_ids": [str(c.id) for c in complaints]}, at=now)
        await uow.commit()
    return Erased(customer_id=customer_id, complaints=len(complaints))


async def erase_expired(uow: IntakeUow, rule: domain.RetentionRule, *, limit: int,
                        now: datetime | None = None) -> int:
    """One round of retention under `rule`: erases up to `limit` ended complaints (and the submissions linked to
    them) whose retention period has run out; returns how many complaints it took, linked submissions not counted."""
    now = now or datetime.now(UTC)
    cutoff = domain.retention_cutoff(now, retention_days=rule.days)
    if cutoff is None:
        return 0
    async with uow:
        erasure = ErasureRepository(uow.session)
        complaints = await erasure.expired(cutoff, limit=limit, tenant=rule.tenant, excluding=rule.excluding)
        if not complaints:
            return 0
        await _erase(uow, erasure, complaints, basis=domain.RETENTION, at=now)
        for complaint in complaints:
            uow.record_change(actor=RETENTION_ACTOR, action="erase", entity="complaint", entity_id=complaint.id,
                              before=None, after={"retention_days": rule.days}, at=now, tenant=complaint.tenant)
        await uow.commit()
    return sum(1 for c in complaints if c.duplicate_of is None)


async def _erase(uow: IntakeUow, erasure: ErasureRepository, complaints: Sequence[Complaint], *, basis: str,
                 at: datetime) -> None:
    ids = [c.id for c in complaints]
    for complaint in complaints:
        for name, value in domain.erased_fields(remedy_sought=complaint.remedy_sought).items():
            setattr(complaint, name, value)
    await uow.session.flush()
    await erasure.erase_steps(ids)
    await erasure.erase_notifications(ids)
    await erasure.forget_confirmations(ids)
    for complaint in complaints:
        uow.emit(ComplaintErasedV1(complaint_id=complaint.id, tenant=complaint.tenant, occurred_at=at, basis=basis))


async def confirm(uow: IntakeUow, *, complaint_id: UUID, service: str, at: datetime) -> None:
    """A service has erased its copy of the complaint (complaint.erasure-confirmed)."""
    async with uow:
        await ErasureRepository(uow.session, uow.database).confirm(complaint_id, service, at)
        await uow.commit()


async def progress(uow: IntakeUow, customer_id: str, *, tenant: str) -> list[domain.ComplaintErasure]:
    """The erasure of each of the tenant's customer's complaints, here and in the services that confirm theirs."""
    async with uow:
        complaints = await ErasureRepository(uow.session).progress_of(customer_id, tenant=tenant)
    if not complaints:
        raise NotFound(f"no complaints of customer {customer_id!r}", customer_id=customer_id)
    return complaints
