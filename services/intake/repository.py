"""Queries of the intake database."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.domain import Earlier
from services.intake.models import Complaint, IdempotentAnswer, PublicStep
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ComplaintFilter:
    channel: str | None = None
    status: str | None = None
    kind: str | None = None
    customer_id: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


def encode_cursor(complaint: Complaint) -> str:
    raw = json.dumps([complaint.received_at.isoformat(), str(complaint.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        received_at, complaint_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(received_at), UUID(complaint_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out; start again without it") from exc


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, complaint: Complaint) -> None:
        self.session.add(complaint)

    async def get(self, complaint_id: UUID) -> Complaint:
        complaint = await self.session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"no complaint {complaint_id}", complaint_id=str(complaint_id))
        return complaint

    async def earlier_of_customer(self, customer_id: str, *, since: datetime) -> list[Earlier]:
        rows = await self.session.execute(
            select(Complaint.id, Complaint.fingerprint, Complaint.received_at, Complaint.duplicate_of)
            .where(Complaint.customer_id == customer_id, Complaint.received_at >= since)
        )
        return [Earlier(*row) for row in rows]

    async def page(self, where: ComplaintFilter, *, limit: int, cursor: str | None
                   ) -> tuple[list[Complaint], str | None]:
        query = _filtered(select(Complaint), where)
        if cursor:
            received_at, complaint_id = decode_cursor(cursor)
            query = query.where(or_(Complaint.received_at < received_at,
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

    async def idempotent_answer(self, key: str) -> IdempotentAnswer | None:
        return await self.session.get(IdempotentAnswer, key)

    def remember_answer(self, answer: IdempotentAnswer) -> None:
        self.session.add(answer)


def _filtered(query: Select[tuple[Complaint]], where: ComplaintFilter) -> Select[tuple[Complaint]]:
    for column, value in ((Complaint.channel, where.channel), (Complaint.status, where.status),
                          (Complaint.kind, where.kind), (Complaint.customer_id, where.customer_id)):
        if value is not None:
            query = query.where(column == value)
    if where.received_from is not None:
        query = query.where(Complaint.received_at >= where.received_from)
    if where.received_to is not None:
        query = query.where(Complaint.received_at < where.received_to)
    return query
