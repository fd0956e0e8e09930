"""Queries of policies, calendars, ladder levels and the audit."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.escalation.models import AuditEntry, EscalationLevel, SlaCalendar, SlaPolicy


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    async def delete(self, row: object) -> None:
        await self.session.delete(row)

    async def policies(self) -> list[SlaPolicy]:
        query = select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.id)
        return list((await self.session.execute(query)).scalars())

    async def policy(self, policy_id: str, *, lock: bool = False) -> SlaPolicy | None:
        query = select(SlaPolicy).where(SlaPolicy.id == policy_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def calendars(self) -> list[SlaCalendar]:
        return list((await self.session.execute(select(SlaCalendar).order_by(SlaCalendar.name))).scalars())

    async def calendar(self, name: str, *, lock: bool = False) -> SlaCalendar | None:
        query = select(SlaCalendar).where(SlaCalendar.name == name)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def levels(self) -> list[EscalationLevel]:
        query = select(EscalationLevel).order_by(EscalationLevel.level)
        return list((await self.session.execute(query)).scalars())

    async def level(self, level: int) -> EscalationLevel | None:
        query = select(EscalationLevel).where(EscalationLevel.level == level)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def audit(self, *, entity: str | None, entity_id: str | None, before: datetime | None,
                    limit: int) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit)
        if entity:
            query = query.where(AuditEntry.entity == entity)
        if entity_id:
            query = query.where(AuditEntry.entity_id == entity_id)
        if before:
            query = query.where(AuditEntry.at < before)
        return list((await self.session.execute(query)).scalars())

    async def audit_entry(self, entry_id: UUID) -> AuditEntry | None:
        return await self.session.get(AuditEntry, entry_id)
