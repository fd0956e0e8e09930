"""Routes of the rules engine: supervisors read the rules, admins change them. Every change names its actor
(`actor`, else X-Actor, else the caller) for the audit trail."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from services.routing.deps import ConfigReader, ConfigWriter, UowDep
from services.routing.rules import service
from services.routing.rules.schemas import RuleAuditOut, RuleIn, RuleOut

router = APIRouter(prefix="/v1", tags=["rules"])
NO_RULE: dict[int | str, dict[str, Any]] = {404: {"description": "No such rule"}}


@router.get("/rules", summary="All rules in the order they apply")
async def list_rules(uow: UowDep, _: ConfigReader) -> list[RuleOut]:
    async with uow:
        return [RuleOut.model_validate(r) for r in await uow.rules.all()]


@router.post("/rules", status_code=201, summary="Add a rule")
async def create_rule(body: RuleIn, uow: UowDep, who: ConfigWriter) -> RuleOut:
    return RuleOut.model_validate(await service.create_rule(uow, body, actor=who.acting(body.actor)))


@router.get("/rules/audit", summary="Changes to the rules, newest first")
async def audit(uow: UowDep, _: ConfigReader, rule_id: UUID | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[RuleAuditOut]:
    async with uow:
        return [RuleAuditOut.model_validate(a) for a in await uow.rules.audit(rule_id=rule_id, limit=limit)]


@router.get("/rules/{rule_id}", responses=NO_RULE, summary="One rule")
async def get_rule(rule_id: UUID, uow: UowDep, _: ConfigReader) -> RuleOut:
    async with uow:
        return RuleOut.model_validate(await uow.rules.get(rule_id))


@router.put("/rules/{rule_id}", responses=NO_RULE, summary="Change a rule")
async def change_rule(rule_id: UUID, body: RuleIn, uow: UowDep, who: ConfigWriter) -> RuleOut:
    return RuleOut.model_validate(await service.change_rule(uow, rule_id, body, actor=who.acting(body.actor)))


@router.delete("/rules/{rule_id}", responses=NO_RULE, status_code=204, summary="Delete a rule")
async def delete_rule(rule_id: UUID, uow: UowDep, who: ConfigWriter) -> None:
    await service.delete_rule(uow, rule_id, actor=who.actor)
