"""Queries of erasure: a customer's complaints, the complaints whose retention period has run out, and the
bulk updates that erase a complaint's steps and notifications."""

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.erasure import domain
from services.intake.models import Complaint, ErasureConfirmation, Notification, PublicStep
from services.intake.notifications import domain as notices
from shared.contracts.complaint import ERASED_TEXT
from shared.db import Database


class ErasureRepository:
    def __init__(self, session: AsyncSession, database: Database | None = None) -> None:
        self.session = session
        self.database = database

    async def of_customer(self, customer_id: str, *, tenant: str) -> list[Complaint]:
        """The customer's complaints in `tenant`: the same customer id in another tenant is another person."""
        query = (select(Complaint).where(Complaint.tenant == tenant, Complaint.customer_id == customer_id)
                 .order_by(Complaint.received_at))
        return list((await self.session.scalars(query)).all())

    async def expired(self, cutoff: datetime, *, limit: int, tenant: str | None = None,
                      excluding: Collection[str] = ()) -> list[Complaint]:
        """Ended complaints not yet erased whose last change is older than `cutoff` (of `tenant`, or of any tenant
        but those `excluding`), oldest first, with the submissions linked to them. On PostgreSQL the rows are locked
        and rows another replica holds are skipped, so replicas erase different complaints; SQLite has a single
        writer and ignores FOR UPDATE."""
        ended_at = func.coalesce(Complaint.status_at, Complaint.received_at)
        query = (select(Complaint)
                 .where(Complaint.status.in_(sorted(domain.ENDED_STATUSES)), ended_at < cutoff,
                        Complaint.subject != ERASED_TEXT)
                 .order_by(ended_at, Complaint.id).limit(limit).with_for_update(skip_locked=True))
        if tenant is not None:
            query = query.where(Complaint.tenant == tenant)
        if excluding:
            query = query.where(Complaint.tenant.not_in(sorted(excluding)))
        ended = list((await self.session.scalars(query)).all())
        if not ended:
            return []
        linked = (select(Complaint)
                  .where(Complaint.duplicate_of.in_([c.id for c in ended]), Complaint.subject != ERASED_TEXT)
                  .with_for_update(skip_locked=True))
        return ended + list((await self.session.scalars(linked)).all())

    async def erase_steps(self, complaint_ids: Collection[UUID]) -> None:
        await self.session.execute(update(PublicStep).where(PublicStep.complaint_id.in_(complaint_ids),
                                                            PublicStep.text.is_not(None))
                                   .values(text=ERASED_TEXT))

    async def erase_notifications(self, complaint_ids: Collection[UUID]) -> None:
        """Destinations and payloads go; what was still to be sent is not sent (its address is gone)."""
        of_these = Notification.complaint_id.in_(complaint_ids)
        await self.session.execute(update(Notification).where(of_these, Notification.state == notices.PENDING)
                                   .values(state=notices.SKIPPED, last_error=domain.ERASED_NOTIFICATION_ERROR))
        # No session sync: it would compare the encrypted columns in Python, which they refuse (and this session
        # holds no notifications).
        await self.session.execute(update(Notification).where(of_these)
                                   .values(destination=ERASED_TEXT, payload=domain.ERASED_PAYLOAD)
                                   .execution_options(synchronize_session=False))

    async def forget_confirmations(self, complaint_ids: Collection[UUID]) -> None:
        """Erased again: the services must confirm again (their copies may hold what arrived since)."""
        await self.session.execute(delete(ErasureConfirmation)
                                   .where(ErasureConfirmation.complaint_id.in_(complaint_ids)))

    async def confirm(self, complaint_id: UUID, service: str, at: datetime) -> None:
        assert self.database is not None
        insert = self.database.insert(ErasureConfirmation).values(complaint_id=complaint_id, service=service,
                                                                  confirmed_at=at)
        await self.session.execute(insert.on_conflict_do_update(
            index_elements=["complaint_id", "service"], set_={"confirmed_at": insert.excluded.confirmed_at}))

    async def progress_of(self, customer_id: str, *, tenant: str) -> list[domain.ComplaintErasure]:
        complaints = (await self.session.execute(
            select(Complaint.id, Complaint.tracking_number, Complaint.subject)
            .where(Complaint.tenant == tenant, Complaint.customer_id == customer_id)
            .order_by(Complaint.received_at))).all()
        confirmed: dict[UUID, dict[str, datetime]] = {c.id: {} for c in complaints}
        rows = await self.session.execute(select(ErasureConfirmation)
                                          .where(ErasureConfirmation.complaint_id.in_(list(confirmed))))
        for row in rows.scalars():
            confirmed[row.complaint_id][row.service] = row.confirmed_at
        return [domain.ComplaintErasure(complaint_id=c.id, tracking_number=c.tracking_number,
                                        erased=c.subject == ERASED_TEXT, confirmed=confirmed[c.id])
                for c in complaints]
