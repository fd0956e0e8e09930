"""Use cases of the rules engine: create, change and delete rules, each change written to the audit trail in
the same transaction."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from services.routing.rules.models import RoutingRule, RuleAudit
from services.routing.rules.schemas import RuleIn
from services.routing.uow import RoutingUow
from shared.errors import InvalidInput

CREATED, UPDATED, DELETED = "created", "updated", "deleted"


def snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {"name": rule.name, "position": rule.position, "enabled": rule.enabled, "conditions": rule.conditions,
            "actions": rule.actions}


async def _check(uow: RoutingUow, body: RuleIn) -> None:
    taxonomy = uow.context.taxonomy
    unknown = [c for c in body.conditions.categories if c not in taxonomy.by_id]
    if body.actions.category and not taxonomy.has(body.actions.category, body.actions.subcategory):
        unknown.append(f"{body.actions.category}/{body.actions.subcategory or ''}".rstrip("/"))
    if unknown:
        raise InvalidInput(f"unknown categories {', '.join(unknown)}", field="category")
    if body.actions.team_id and await uow.org.find_team(body.actions.team_id) is None:
        raise InvalidInput(f"no team {body.actions.team_id}", field="team_id")


def _values(body: RuleIn) -> dict[str, Any]:
    return {"name": body.name, "position": body.position, "enabled": body.enabled,
            "conditions": body.conditions.model_dump(mode="json", exclude_defaults=True),
            "actions": body.actions.model_dump(mode="json", exclude_defaults=True)}


def _audit(uow: RoutingUow, rule_id: UUID, *, actor: str, action: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None, at: datetime) -> None:
    """Into rule_audit (GET /v1/rules/audit answers from it) and the service's hash-chained audit log."""
    uow.rules.add(RuleAudit(id=uuid4(), rule_id=rule_id, at=at, actor=actor, action=action, before=before,
                            after=after))
    uow.record_change(actor=actor, action=action, entity="rule", entity_id=rule_id, before=before, after=after, at=at)


async def create_rule(uow: RoutingUow, body: RuleIn, *, actor: str) -> RoutingRule:
    at = datetime.now(UTC)
    async with uow:
        await _check(uow, body)
        rule = RoutingRule(id=uuid4(), created_at=at, updated_at=at, **_values(body))
        uow.rules.add(rule)
        _audit(uow, rule.id, actor=actor, action=CREATED, before=None, after=snapshot(rule), at=at)
        await uow.commit()
    return rule


async def change_rule(uow: RoutingUow, rule_id: UUID, body: RuleIn, *, actor: str) -> RoutingRule:
    at = datetime.now(UTC)
    async with uow:
        rule = await uow.rules.get(rule_id)
        await _check(uow, body)
        before = snapshot(rule)
        for name, value in _values(body).items():
            setattr(rule, name, value)
        rule.updated_at = at
        _audit(uow, rule.id, actor=actor, action=UPDATED, before=before, after=snapshot(rule), at=at)
        await uow.commit()
    return rule


async def delete_rule(uow: RoutingUow, rule_id: UUID, *, actor: str) -> None:
    at = datetime.now(UTC)
    async with uow:
        rule = await uow.rules.get(rule_id)
        _audit(uow, rule.id, actor=actor, action=DELETED, before=snapshot(rule), after=None, at=at)
        await uow.rules.delete(rule)
        await uow.commit()
