"""Queries of the intake database."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.intake.domain import Earlier
from services.intake.models import Complaint, IdempotentAnswer, Promise, PublicStep
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ComplaintFilter:
    tenant: str | None = None
    channel: str | None = None
    status: str | None = None
    kind: str | None = None
    customer_id: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    duplicate_of: UUID | None = None
    # False: complaints only; True: only submissions linked to an earlier complaint; None: both.
    linked: bool | None = False


def encode_cursor(complaint: Complaint) -> str:
    raw = json.dumps([complaint.received_at.isoformat(), str(complaint.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        received_at, complaint_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(received_at), UUID(complaint_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out; start again without it") from exc


LISTING_SKIPS = tuple(defer(column, raiseload=True) for column in (
    Complaint.customer_name, Complaint.customer_email, Complaint.customer_phone))


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, complaint: Complaint) -> None:
        self.session.add(complaint)

    async def get(self, complaint_id: UUID, *, tenant: str | None = None) -> Complaint:
        """The complaint; with a tenant, only one of that tenant (another's is as unknown as a missing one)."""
        complaint = await self.session.get(Complaint, complaint_id)
        if complaint is None or (tenant is not None and complaint.tenant != tenant):
            raise NotFound(f"no complaint {complaint_id}", complaint_id=str(complaint_id))
        return complaint

    async def find(self, complaint_id: UUID) -> Complaint | None:
        return await self.session.get(Complaint, complaint_id)

    async def promise(self, complaint_id: UUID, target: str) -> Promise | None:
        return await self.session.get(Promise, (complaint_id, target))

    def add_promise(self, promise: Promise) -> None:
        self.session.add(promise)

    async def promises_of(self, complaint_id: UUID) -> list[Promise]:
        return list((await self.session.scalars(select(Promise).where(Promise.complaint_id == complaint_id))).all())

    async def earlier_of_customers(self, customers: set[tuple[str, str]], *, since: datetime
                                   ) -> dict[tuple[str, str], list[Earlier]]:
        """These customers' complaints since then, by (tenant, customer id): the same id in two tenants is two
        customers. Linked duplicates count for nothing, so they are left out."""
        found: dict[tuple[str, str], list[Earlier]] = {customer: [] for customer in customers}
        if not customers:
            return found
        rows = await self.session.execute(
            select(Complaint.tenant, Complaint.customer_id, Complaint.id, Complaint.fingerprint,
                   Complaint.received_at, Complaint.duplicate_of, Complaint.status)
            .where(Complaint.customer_id.in_({customer_id for _, customer_id in customers}),
                   Complaint.tenant.in_({tenant for tenant, _ in customers}),
                   Complaint.received_at >= since, Complaint.duplicate_of.is_(None))
        )
        for tenant, customer_id, *columns in rows:
            if (tenant, customer_id) in found:
                found[tenant, customer_id].append(Earlier(*columns))
        return found

    async def page(self, where: ComplaintFilter, *, limit: int, cursor: str | None
                   ) -> tuple[list[Complaint], str | None]:
        # A page lists no contact data: leave it encrypted instead of decrypting three values a row.
        query = _filtered(select(Complaint).options(*LISTING_SKIPS), where)
        if cursor:
            received_at, complaint_id = decode_cursor(cursor)
            # The first condition is implied by the second; it gives the planner a range to seek to.
            query = query.where(Complaint.received_at <= received_at,
                                or_(Complaint.received_at < received_at,
                                    and_(Complaint.received_at == received_at, Complaint.id < complaint_id)))
        query = query.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit + 1)
        complaints = list((await self.session.scalars(query)).all())
        more = len(complaints) > limit
        complaints = complaints[:limit]
        return complaints, encode_cursor(complaints[-1]) if more else None

    async def by_tracking_number(self, tracking_number: str) -> Complaint | None:
        return await self.session.scalar(select(Complaint).where(Complaint.tracking_number == tracking_number))

    def add_step(self, step: PublicStep) -> None:
        self.session.add(step)

    async def steps_of(self, complaint_id: UUID) -> list[PublicStep]:
        query = select(PublicStep).where(PublicStep.complaint_id == complaint_id).order_by(PublicStep.at)
        return list((await self.session.scalars(query)).all())

    async def idempotent_answers(self, keys: set[str]) -> dict[str, IdempotentAnswer]:
        if not keys:
            return {}
        query = select(IdempotentAnswer).where(IdempotentAnswer.key.in_(keys))
        return {answer.key: answer for answer in (await self.session.scalars(query)).all()}

    def remember_answer(self, answer: IdempotentAnswer) -> None:
        self.session.add(answer)


def _filtered(query: Select[tuple[Complaint]], where: ComplaintFilter) -> Select[tuple[Complaint]]:
    for column, value in ((Complaint.tenant, where.tenant), (Complaint.channel, where.channel),
                          (Complaint.status, where.status), (Complaint.kind, where.kind),
                          (Complaint.customer_id, where.customer_id)):
        if value is not None:
            query = query.where(column == value)
    if where.duplicate_of is not None:
        query = query.where(Complaint.duplicate_of == where.duplicate_of)
    if where.linked is not None:
        query = query.where(Complaint.duplicate_of.is_not(None) if where.linked else Complaint.duplicate_of.is_(None))
    if where.received_from is not None:
        query = query.where(Complaint.received_at >= where.received_from)
    if where.received_to is not None:
        query = query.where(Complaint.received_at < where.received_to)
    return query
