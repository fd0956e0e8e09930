"""Queries of routing rules and their audit trail."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.rules.models import RoutingRule, RuleAudit
from shared.errors import NotFound


class RuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, item: RoutingRule | RuleAudit) -> None:
        self.session.add(item)

    async def delete(self, rule: RoutingRule) -> None:
        await self.session.delete(rule)

    async def get(self, rule_id: UUID) -> RoutingRule:
        rule = await self.session.get(RoutingRule, rule_id)
        if rule is None:
            raise NotFound(f"no rule {rule_id}", rule_id=str(rule_id))
        return rule

    async def all(self, *, enabled_only: bool = False) -> list[RoutingRule]:
        query = select(RoutingRule).order_by(RoutingRule.position, RoutingRule.created_at, RoutingRule.id)
        if enabled_only:
            query = query.where(RoutingRule.enabled.is_(True))
        return list((await self.session.scalars(query)).all())

    async def audit(self, *, rule_id: UUID | None, limit: int) -> list[RuleAudit]:
        query = select(RuleAudit).order_by(RuleAudit.at.desc(), RuleAudit.id).limit(limit)
        if rule_id is not None:
            query = query.where(RuleAudit.rule_id == rule_id)
        return list((await self.session.scalars(query)).all())
