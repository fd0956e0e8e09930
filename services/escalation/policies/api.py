"""Routes of policies, calendars and the audit: parse, call a use case, answer with a schema. Supervisors read,
admins change."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from services.escalation.deps import ADMINS, SUPERVISORS, ActorDep, UowDep
from services.escalation.policies import service
from services.escalation.policies.schemas import (
    AuditOut,
    CalendarBody,
    CalendarIn,
    CalendarOut,
    PolicyBody,
    PolicyChangeOut,
    PolicyIn,
    PolicyOut,
)
from shared.http import require_json

router = APIRouter(prefix="/v1/sla", tags=["sla policies"])
JSON_BODY = [*ADMINS, Depends(require_json)]  # changes: admins only, with a JSON body
PolicyId = Annotated[str, Path(max_length=100)]
CalendarName = Annotated[str, Path(max_length=100)]
Responses = dict[int | str, dict[str, Any]]
NOT_JSON: Responses = {415: {"description": "The body is not declared JSON"}}
EXISTS: Responses = {409: {"description": "The id exists already"}}
IN_USE: Responses = {409: {"description": "Still in use: open clocks or policies"}}
NO_POLICY: Responses = {404: {"description": "No such policy"}}
NO_CALENDAR: Responses = {404: {"description": "No such calendar"}}


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/policies", dependencies=SUPERVISORS, summary="Policies in the order they are tried")
async def list_policies(uow: UowDep) -> list[PolicyOut]:
    return [PolicyOut.model_validate(row) for row in await service.list_policies(uow)]


@router.post("/policies", status_code=201, dependencies=JSON_BODY, responses={**NOT_JSON, **EXISTS},
              summary="Add a policy")
async def create_policy(body: PolicyIn, uow: UowDep, actor: ActorDep) -> PolicyOut:
    row = await service.create_policy(uow, fields=body.stored(), actor=actor, now=_now())
    return PolicyOut.model_validate(row)


@router.get("/policies/{policy_id}", dependencies=SUPERVISORS, responses=NO_POLICY, summary="One policy")
async def get_policy(policy_id: PolicyId, uow: UowDep) -> PolicyOut:
    return PolicyOut.model_validate(await service.get_policy(uow, policy_id))


@router.put("/policies/{policy_id}", dependencies=JSON_BODY, responses={**NOT_JSON, **NO_POLICY},
            summary="Replace a policy",
            description="With recalculate=true the open clocks of the policy follow the new targets as if they "
            "had applied from the start, and each clock whose due time, target or breach changes is announced as "
            "sla.recalculated; otherwise only clocks started from now on use them.")
async def replace_policy(policy_id: PolicyId, body: PolicyBody, uow: UowDep, actor: ActorDep,
                         recalculate: bool = False) -> PolicyChangeOut:
    row, moved = await service.update_policy(uow, policy_id=policy_id, fields=body.stored(),
                                             recalculate=recalculate, actor=actor, now=_now())
    return PolicyChangeOut.model_validate({**PolicyOut.model_validate(row).model_dump(),
                                           "recalculated_clocks": moved})


@router.delete("/policies/{policy_id}", dependencies=ADMINS, status_code=204,
               responses={**NO_POLICY, **IN_USE},
               summary="Remove a policy without open clocks")
async def delete_policy(policy_id: PolicyId, uow: UowDep, actor: ActorDep) -> Response:
    await service.delete_policy(uow, policy_id=policy_id, actor=actor, now=_now())
    return Response(status_code=204)


@router.get("/calendars", dependencies=SUPERVISORS, summary="Business calendars")
async def list_calendars(uow: UowDep) -> list[CalendarOut]:
    return [CalendarOut.model_validate(row) for row in await service.list_calendars(uow)]


@router.post("/calendars", status_code=201, dependencies=JSON_BODY, responses={**NOT_JSON, **EXISTS},
              summary="Add a calendar")
async def create_calendar(body: CalendarIn, uow: UowDep, actor: ActorDep) -> CalendarOut:
    row = await service.create_calendar(uow, name=body.name, definition=body.definition, actor=actor, now=_now())
    return CalendarOut.model_validate(row)


@router.get("/calendars/{name}", dependencies=SUPERVISORS, responses=NO_CALENDAR, summary="One calendar")
async def get_calendar(name: CalendarName, uow: UowDep) -> CalendarOut:
    return CalendarOut.model_validate(await service.get_calendar(uow, name))


@router.put("/calendars/{name}", dependencies=JSON_BODY, responses={**NOT_JSON, **NO_CALENDAR},
            summary="Replace a calendar's hours")
async def replace_calendar(name: CalendarName, body: CalendarBody, uow: UowDep, actor: ActorDep) -> CalendarOut:
    row = await service.replace_calendar(uow, name=name, definition=body.definition, actor=actor, now=_now())
    return CalendarOut.model_validate(row)


@router.delete("/calendars/{name}", dependencies=ADMINS, status_code=204,
               responses={**NO_CALENDAR, **IN_USE},
               summary="Remove a calendar no policy uses")
async def delete_calendar(name: CalendarName, uow: UowDep, actor: ActorDep) -> Response:
    await service.delete_calendar(uow, name=name, actor=actor, now=_now())
    return Response(status_code=204)


@router.get("/audit", dependencies=SUPERVISORS,
            summary="Changes to policies, calendars and the escalation ladder, newest first")
async def audit(uow: UowDep, entity: Literal["policy", "calendar", "escalation_level"] | None = None,
                entity_id: Annotated[str | None, Query(max_length=100)] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[AuditOut]:
    rows = await service.audit_trail(uow, entity=entity, entity_id=entity_id, limit=limit)
    return [AuditOut.model_validate(row) for row in rows]
